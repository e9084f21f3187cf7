import Kafka
import Logging

/// `OffsetTimeIndex` on a real broker: the broker's ListOffsets-by-time answer, and records read one at a time
/// by a consumer that assigns itself each partition at the offset to look at (no group).
///
/// Bounds come from the records themselves (the first one kept) and from the high watermark of fetch
/// responses: a broker's ListOffsets answers are not trusted (Tansu answers "latest" and times wrongly).
/// Blocking: run it on a thread of its own.
public final class KafkaTimeIndex: OffsetTimeIndex {
    let consumer: KafkaConsumer
    let timeoutMs: Int32

    public init(config: KafkaConfig, logger: Logger, timeoutMs: Int32 = 10_000) throws {
        var config = config
        // One record per read: a broker that holds fetches until they fill (Tansu) would add its whole wait
        // (500 ms by default) to each of the search's reads.
        if config["fetch.wait.max.ms"] == nil { config["fetch.wait.max.ms"] = "10" }
        consumer = try KafkaConsumer(config: config, groupID: "turnstile-time-index", rebalance: StartAtBeginning(), logger: logger)
        self.timeoutMs = timeoutMs
    }

    public func close() { consumer.close() }

    public func brokerOffset(_ tp: KafkaTopicPartition, atOrAfter ms: Int64) throws -> Int64? {
        try consumer.offsetsForTimes([tp: ms], timeoutMs: timeoutMs)[tp] ?? nil
    }

    public func bounds(_ tp: KafkaTopicPartition) throws -> (low: Int64, high: Int64) {
        let first = try record(tp, atOrAfter: KafkaOffset.beginning)
        guard let high = consumer.watermarks(tp)?.high else {
            throw KafkaError.invalidState("no high watermark for \(tp) after a fetch")
        }
        return (first?.offset ?? high, high)
    }

    public func record(_ tp: KafkaTopicPartition, atOrAfter offset: Int64) throws -> (offset: Int64, timestampMs: Int64)? {
        try consumer.assign([tp: offset])
        let deadline = ContinuousClock.now + .milliseconds(Int64(timeoutMs))
        while ContinuousClock.now < deadline {
            for message in try consumer.poll(maxMessages: 1, timeoutMs: 50) where message.topicPartition == tp {
                return (message.offset, message.timestampMs ?? 0)
            }
            // Nothing there: the offset is at (or past) the end once a fetch has told the high watermark.
            if let high = consumer.watermarks(tp)?.high, offset >= 0, offset >= high { return nil }
            if offset == KafkaOffset.beginning, let marks = consumer.watermarks(tp), marks.low >= marks.high { return nil }
        }
        throw KafkaError.invalidState("no record of \(tp) at or after offset \(offset) within \(timeoutMs) ms")
    }
}
