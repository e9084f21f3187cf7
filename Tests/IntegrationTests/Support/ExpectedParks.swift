import Events
import Foundation

/// What the parks projections must hold after folding `events`, computed independently of the folds:
/// sorting instead of histograms, Foundation's calendar instead of cached offsets, plain dictionaries.
struct ExpectedParks {
    struct Current: Equatable, CustomStringConvertible {
        var status: String
        var wait: Int?
        var observedAt: Int64
        var statusChangedAt: Int64
        var description: String { "\(status) \(wait.map(String.init) ?? "-") @\(observedAt) since \(statusChangedAt)" }
    }

    struct Baseline: Equatable, CustomStringConvertible {
        var samples: Int
        var p50: Int
        var p90: Int
        var description: String { "n=\(samples) p50=\(p50) p90=\(p90)" }
    }

    var observations = 0
    var current: [String: Current] = [:]
    var baselines: [String: Baseline] = [:]
    var schedules = 0
    /// `AttractionWaitUpdated` events the wait-times fold must emit: one per observation that moves current state
    /// and changes the attraction's (status, wait, baseline P50 of the observation's slot).
    var derivedUpdates = 0
    /// Park → (attraction → latest open wait and baseline P50 of its slot at that time), for the final crowd level.
    var finalCrowd: [String: (level: String?, ratio: Double?)] = [:]

    init(_ events: [EventEnvelope]) {
        var seen = Set<String>()
        var samples: [String: [Int]] = [:]
        // Per attraction: latest (time, wait if open, p50 of that slot after the observation).
        var latest: [String: (park: String, ride: String, time: Int64, open: Bool, wait: Int?, p50: Int?)] = [:]
        var published: [String: (status: String, wait: Int?, p50: Int?)] = [:]
        for e in events {
            if e.type == ParkScheduleUpdated.eventType { schedules += 1; continue }
            guard let o = try? e.decode(WaitTimeObserved.self) else { continue }
            let key = "\(o.parkID)/\(o.attractionID)"
            let t = e.eventTime.microseconds
            guard seen.insert("\(key)@\(t)").inserted else { continue }
            observations += 1
            let slot = Self.slot(e.eventTime, zone: o.timeZone)
            let slotKey = "\(key)/\(slot.dow)/\(slot.hour)"
            if o.status == .operating, let w = o.waitMinutes { samples[slotKey, default: []].append(w) }
            if let c = current[key], c.observedAt > t { continue }
            let p50 = samples[slotKey].map { Self.percentile($0, 0.5) }
            let wait = o.status == .operating ? o.waitMinutes : nil
            if let last = published[key], last.status == o.status.rawValue, last.wait == wait, last.p50 == p50 {
                // Unchanged: not re-published.
            } else {
                derivedUpdates += 1
                published[key] = (o.status.rawValue, wait, p50)
            }
            let changed = current[key].map { $0.status != o.status.rawValue } ?? true
            current[key] = Current(
                status: o.status.rawValue, wait: o.status == .operating ? o.waitMinutes : nil, observedAt: t,
                statusChangedAt: changed ? t : current[key]!.statusChangedAt)
            latest[key] = (o.parkID, o.attractionID, t, o.status == .operating, wait, p50)
        }
        for (key, list) in samples {
            baselines[key] = Baseline(samples: list.count, p50: Self.percentile(list, 0.5), p90: Self.percentile(list, 0.9))
        }
        var parks: [String: [(wait: Int, p50: Int)]] = [:]
        for (_, a) in latest {
            parks[a.park, default: []].append((-1, -1))
            parks[a.park]!.removeLast()
            guard a.open, let w = a.wait, let b = a.p50, b > 0 else { continue }
            parks[a.park]!.append((w, b))
        }
        for (park, list) in parks {
            guard !list.isEmpty else { finalCrowd[park] = (nil, nil); continue }
            let ratio = Double(list.map(\.wait).reduce(0, +)) / Double(list.map(\.p50).reduce(0, +))
            finalCrowd[park] = (CrowdLevel(ratio: ratio).rawValue, ratio)
        }
    }

    /// Nearest rank on the sorted samples.
    static func percentile(_ values: [Int], _ p: Double) -> Int {
        let sorted = values.sorted()
        let rank = max(1, Int((p * Double(sorted.count)).rounded(.up)))
        return sorted[rank - 1]
    }

    static func slot(_ t: Timestamp, zone: String?) -> (dow: Int, hour: Int) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone.flatMap(TimeZone.init(identifier:)) ?? TimeZone(identifier: "UTC")!
        let date = Date(timeIntervalSince1970: Double(t.microseconds) / 1e6)
        let weekday = calendar.component(.weekday, from: date)  // Sunday = 1
        return ((weekday + 5) % 7, calendar.component(.hour, from: date))
    }
}
