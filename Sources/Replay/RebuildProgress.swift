import Events
import Foundation
import Kafka
import Processor

/// A rebuild's progress, one report per second: what was folded, how fast, what is left per partition and when
/// it should be done. Pure: made from two snapshots of the `RebuildControl` and the time between them.
public struct RebuildProgress: Sendable, Equatable {
    public enum Phase: String, Sendable {
        /// Folding the log towards its head.
        case rebuilding
        /// Caught up; following the live version until both have folded the same offsets.
        case following = "following live"
        /// Holding the live version's batches while the last records fold and the version is promoted.
        case promoting
        case done
    }

    public var projection: String
    public var version: Int
    /// What is being built, as shown: `v2`, or `into whatif` for a scratch fold.
    public var target: String
    public var phase: Phase
    /// Records folded since this run started.
    public var folded: Int
    public var undecodable: Int
    public var eventsPerSecond: Double
    /// Records left to fold per partition (up to the head, or up to the limit when following live).
    public var left: [KafkaTopicPartition: Int64]
    /// Records known at the start of the run plus those arrived since, for the bar's fraction.
    public var elapsedSeconds: Double

    public var totalLeft: Int64 { left.values.reduce(0, +) }
    /// Seconds to go at the current rate (nil when nothing is being folded).
    public var etaSeconds: Double? { eventsPerSecond > 0 ? Double(totalLeft) / eventsPerSecond : (totalLeft == 0 ? 0 : nil) }
    public var fraction: Double {
        let total = Double(folded) + Double(totalLeft)
        return total > 0 ? Double(folded) / total : 1
    }

    public init(
        projection: String, version: Int, phase: Phase, previous: RebuildControl.Snapshot?, current: RebuildControl.Snapshot,
        limits: [KafkaTopicPartition: Int64]?, partitions: [KafkaTopicPartition], interval: Double, elapsed: Double,
        target: String? = nil
    ) {
        self.projection = projection
        self.version = version
        self.target = target ?? "v\(version)"
        self.phase = phase
        self.folded = current.folded + current.undecodable
        self.undecodable = current.undecodable
        let delta = folded - ((previous?.folded ?? 0) + (previous?.undecodable ?? 0))
        self.eventsPerSecond = interval > 0 ? Double(max(0, delta)) / interval : 0
        var left: [KafkaTopicPartition: Int64] = [:]
        for tp in partitions {
            let at = current.committed[tp] ?? current.low[tp] ?? 0
            var end = current.high[tp] ?? at
            if let limits { end = min(end, limits[tp] ?? at) }
            left[tp] = max(0, end - at)
        }
        self.left = left
        self.elapsedSeconds = elapsed
    }

    // MARK: Rendering

    /// One line for a terminal: a bar, the counts, the rate, the ETA and the partitions with the most left.
    public func line(width: Int = 24) -> String {
        let filled = Int((fraction * Double(width)).rounded(.down))
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: max(0, width - filled))
        var text = "\(projection) \(target) \(phase.rawValue) [\(bar)] \(Int((fraction * 100).rounded(.down)))%"
        text += "  \(Self.grouped(Int64(folded))) folded  \(Self.grouped(Int64(eventsPerSecond.rounded()))) ev/s"
        text += "  left \(Self.grouped(totalLeft))"
        let busiest = left.filter { $0.value > 0 }.sorted { $0.value > $1.value }.prefix(3)
        if !busiest.isEmpty { text += " (" + busiest.map { "p\($0.key.partition) \(Self.grouped($0.value))" }.joined(separator: ", ") + ")" }
        text += "  ETA \(etaSeconds.map(Self.clock) ?? "--:--")"
        return text
    }

    /// One JSON object (for `--progress json` and the version table).
    public var json: String {
        var w = JSONWriter(capacity: 256)
        w.beginObject()
        w.key("projection"); w.string(projection)
        w.key("version"); w.int(version)
        w.key("phase"); w.string(phase.rawValue)
        w.key("folded"); w.int(folded)
        w.key("undecodable"); w.int(undecodable)
        w.key("events_per_second"); w.double((eventsPerSecond * 10).rounded() / 10)
        w.key("left"); w.int(Int(totalLeft))
        w.key("left_by_partition"); w.beginObject()
        for (tp, n) in left.sorted(by: { ($0.key.topic, $0.key.partition) < ($1.key.topic, $1.key.partition) }) {
            w.key("\(tp.topic):\(tp.partition)"); w.int(Int(n))
        }
        w.endObject()
        w.key("eta_seconds"); if let eta = etaSeconds { w.double((eta * 10).rounded() / 10) } else { w.null() }
        w.key("elapsed_seconds"); w.double((elapsedSeconds * 10).rounded() / 10)
        w.endObject()
        return w.string
    }

    static func grouped(_ n: Int64) -> String {
        let digits = Array(String(abs(n)))
        var out = ""
        for (i, d) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(d)
        }
        return (n < 0 ? "-" : "") + out
    }

    static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded(.up))
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
    }
}
