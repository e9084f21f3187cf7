import Events
import Foundation
import Synchronization

/// UTC offsets of IANA time zones, memoised per zone and UTC hour so that a fold can place each event in its
/// park-local hour of the week without calling into Foundation per event. The memo is a pure cache: the
/// answer for a (zone, hour) never changes, so folds stay deterministic.
public enum TimeZoneOffsets {
    /// The most recent (zone, hour) answers, newest last. A short list compared by zone name beats hashing
    /// the name on every event: a deployment sees a handful of zones, each at its current hour.
    private struct Memo {
        var entries: [(zone: String, hour: Int64, offset: Int)] = []
        /// Where the next answer goes once the list is full (oldest first).
        var next = 0
    }

    private static let memoSize = 64
    private static let memo = Mutex(Memo())

    /// Seconds east of UTC for `zone` at `time`; 0 for an unknown or absent zone (baselines then use UTC).
    public static func offset(zone: String?, at time: Timestamp) -> Int {
        guard let zone else { return 0 }
        let hour = Timestamp.floorDivision(time.seconds, 3600)
        let hit: Int? = memo.withLock { m in
            var i = m.entries.count
            while i > 0 {
                i -= 1
                if m.entries[i].hour == hour, m.entries[i].zone == zone { return m.entries[i].offset }
            }
            return nil
        }
        if let hit { return hit }
        let offset =
            TimeZone(identifier: zone)?.secondsFromGMT(for: Date(timeIntervalSince1970: Double(time.seconds))) ?? 0
        memo.withLock { m in
            if m.entries.count < memoSize {
                m.entries.append((zone, hour, offset))
            } else {
                m.entries[m.next] = (zone, hour, offset)
                m.next = (m.next + 1) % memoSize
            }
        }
        return offset
    }
}
