import Kafka

/// What finding an offset by time needs from the log: the broker's own answer, a partition's bounds, and the
/// timestamp of the record at an offset. `KafkaTimeIndex` asks the broker; tests give a fake.
public protocol OffsetTimeIndex {
    /// The broker's answer: the first offset whose timestamp is at or after `ms` (nil: none).
    func brokerOffset(_ tp: KafkaTopicPartition, atOrAfter ms: Int64) throws -> Int64?
    /// The first offset kept and the next offset to be written.
    func bounds(_ tp: KafkaTopicPartition) throws -> (low: Int64, high: Int64)
    /// The first record at or after `offset` (offsets may have gaps): its offset and timestamp (ms); nil when
    /// there is none before the high watermark.
    func record(_ tp: KafkaTopicPartition, atOrAfter offset: Int64) throws -> (offset: Int64, timestampMs: Int64)?
}

/// The first offset of a partition whose record is at or after a time, right on every broker: the broker's
/// answer is used when the records around it confirm it (the record there is at or after the time, the one
/// before it earlier), and otherwise found by a binary search that reads record timestamps (about log2(n)
/// reads). Record timestamps are the events' times (the publisher sets them), so this is event time; the search
/// assumes a partition's timestamps do not go backwards much, as a broker's time index does.
public enum TimeSeek {
    public enum Source: String, Sendable, Equatable {
        /// The broker's answer checked out.
        case broker
        /// The broker's answer was wrong (or missing); found by reading timestamps.
        case search
    }

    public static func offset(
        of tp: KafkaTopicPartition, atOrAfter ms: Int64, in index: some OffsetTimeIndex
    ) throws -> (offset: Int64, source: Source) {
        let (low, high) = try index.bounds(tp)
        guard low < high else { return (high, .broker) }
        let answer = try index.brokerOffset(tp, atOrAfter: ms) ?? high
        if try confirms(answer, of: tp, ms: ms, low: low, high: high, index: index) { return (answer, .broker) }
        return (try search(tp, ms: ms, low: low, high: high, index: index), .search)
    }

    /// Whether `offset` is the first at or after `ms`: its record is that late (or it is the end) and the record
    /// before it is earlier (or it is the start).
    static func confirms(
        _ offset: Int64, of tp: KafkaTopicPartition, ms: Int64, low: Int64, high: Int64, index: some OffsetTimeIndex
    ) throws -> Bool {
        guard (low...high).contains(offset) else { return false }
        if offset < high {
            guard let at = try index.record(tp, atOrAfter: offset), at.timestampMs >= ms else { return false }
        }
        if offset > low {
            // The record just before: the last one below `offset` (gaps allowed).
            guard let before = try lastRecord(tp, below: offset, low: low, index: index) else { return true }
            return before.timestampMs < ms
        }
        return true
    }

    static func lastRecord(
        _ tp: KafkaTopicPartition, below offset: Int64, low: Int64, index: some OffsetTimeIndex
    ) throws -> (offset: Int64, timestampMs: Int64)? {
        var from = offset - 1
        while from >= low {
            if let r = try index.record(tp, atOrAfter: from), r.offset < offset { return r }
            // A gap: look further back, doubling the step.
            let step = max(1, offset - from)
            from -= step
        }
        return nil
    }

    /// The first offset in [low, high) whose record is at or after `ms` (high when none).
    static func search(_ tp: KafkaTopicPartition, ms: Int64, low: Int64, high: Int64, index: some OffsetTimeIndex) throws -> Int64 {
        var lo = low, hi = high
        while lo < hi {
            let mid = lo + (hi - lo) / 2
            guard let r = try index.record(tp, atOrAfter: mid), r.offset < hi else {
                hi = mid
                continue
            }
            if r.timestampMs >= ms { hi = mid } else { lo = r.offset + 1 }
        }
        return lo
    }
}
