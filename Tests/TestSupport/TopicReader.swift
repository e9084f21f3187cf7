import Kafka
import Processor

/// Reads a whole topic from the beginning with a throwaway consumer group.
public enum TopicReader {
    /// Every record of `topic`: polls until it has read up to every assigned partition's end (as the fetch
    /// responses give it) and then nothing more arrived for `quiet`.
    ///
    /// On a thread of its own: joining a group and waiting for quiet takes seconds, and the suite's tests share a
    /// cooperative pool of two threads (one blocked look per test starves every other test's tasks). The end of
    /// each partition is waited for, not guessed from a silence: on a loaded machine the first fetch after the
    /// assignment can take longer than any quiet period.
    public static func readAll(_ topic: String, ns: TestNamespace, quiet: Duration = .seconds(3), timeout: Duration = .seconds(60)) async throws -> [KafkaMessage] {
        let (kafka, group) = (ns.kafka, "reader-\(ns.id)-\(topic)")
        return try await BlockingThread.run(name: "topic-reader") {
            let consumer = try KafkaConsumer(config: kafka, groupID: group, rebalance: StartAtBeginning(), logger: TestStack.logger)
            defer { consumer.close() }
            try consumer.subscribe([topic])
            func atEnd() -> Bool {
                let assigned = consumer.assignment()
                return !assigned.isEmpty && assigned.allSatisfy { p in
                    guard let end = consumer.highWatermark(p) else { return false }
                    return (consumer.position(p) ?? 0) >= end
                }
            }
            var messages: [KafkaMessage] = []
            let deadline = ContinuousClock.now + timeout
            var quietSince: ContinuousClock.Instant?
            while ContinuousClock.now < deadline {
                let batch = try consumer.poll(maxMessages: 1_000, timeoutMs: 100)
                messages.append(contentsOf: batch)
                if !batch.isEmpty { quietSince = nil }
                if quietSince == nil, atEnd() { quietSince = .now }
                if let since = quietSince, ContinuousClock.now - since > quiet { break }
            }
            return messages
        }
    }
}
