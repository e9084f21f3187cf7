import Events
import Foundation
import Synchronization

/// UTC offsets of IANA time zones, memoised per zone and UTC hour so that a fold can place each event in its
/// park-local hour of the week without calling into Foundation per event. The memo is a pure cache: the
/// answer for a (zone, hour) never changes, so folds stay deterministic.
public enum TimeZoneOffsets {
    private static let cache = Mutex<[String: (hour: Int64, offset: Int)]>([:])

    /// Seconds east of UTC for `zone` at `time`; 0 for an unknown or absent zone (baselines then use UTC).
    public static func offset(zone: String?, at time: Timestamp) -> Int {
        guard let zone else { return 0 }
        let hour = Timestamp.floorDivision(time.seconds, 3600)
        if let hit = cache.withLock({ $0[zone] }), hit.hour == hour { return hit.offset }
        let offset =
            TimeZone(identifier: zone)?.secondsFromGMT(for: Date(timeIntervalSince1970: Double(time.seconds))) ?? 0
        cache.withLock { $0[zone] = (hour, offset) }
        return offset
    }
}
