import Kafka

/// Reads a whole topic from the beginning with a throwaway consumer group.
public enum TopicReader {
    /// Every record of `topic`, stopping once nothing arrived for `quiet` after the first assignment.
    public static func readAll(_ topic: String, ns: TestNamespace, quiet: Duration = .seconds(3), timeout: Duration = .seconds(60)) throws -> [KafkaMessage] {
        let consumer = try KafkaConsumer(
            config: ns.kafka, groupID: "reader-\(ns.id)-\(topic)", rebalance: StartAtBeginning(), logger: TestStack.logger)
        defer { consumer.close() }
        try consumer.subscribe([topic])
        var messages: [KafkaMessage] = []
        let deadline = ContinuousClock.now + timeout
        var lastArrival: ContinuousClock.Instant?
        while ContinuousClock.now < deadline {
            let batch = try consumer.poll(maxMessages: 1_000, timeoutMs: 100)
            if !batch.isEmpty || (lastArrival == nil && !consumer.assignment().isEmpty) { lastArrival = .now }
            messages.append(contentsOf: batch)
            if let last = lastArrival, ContinuousClock.now - last > quiet { break }
        }
        return messages
    }
}
