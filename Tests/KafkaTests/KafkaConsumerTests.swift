import Foundation
import Kafka
import Synchronization
import Testing

@Suite(.enabled(if: TestBroker.shouldRun, "needs KAFKA_BROKERS (eval \"$(ops/stack up)\")"))
struct KafkaConsumerTests {
    /// Polls on the calling (dedicated) thread until `count` messages arrived or `timeout` passed.
    static func consume(_ consumer: KafkaConsumer, count: Int, timeout: Duration = .seconds(30)) throws
        -> [KafkaMessage]
    {
        var messages: [KafkaMessage] = []
        let deadline = ContinuousClock.now + timeout
        while messages.count < count, ContinuousClock.now < deadline {
            messages += try consumer.poll(maxMessages: 500, timeoutMs: 100)
        }
        return messages
    }

    /// A fresh topic holding `count` test messages (`TestMessages`), and a consumer of it (subscribed; close it).
    static func consumerOfProducedTopic(_ name: String, partitions: Int32, count: Int)
        async throws -> (topic: String, consumer: KafkaConsumer)
    {
        let topic = try await TestBroker.createTopic(name, partitions: partitions)
        let producer = try KafkaProducer(config: TestBroker.config(), logger: TestBroker.logger)
        _ = try await producer.send(TestMessages.make(topic: topic, count: count))
        producer.close()
        let consumer = try KafkaConsumer(
            config: TestBroker.consumerConfig(), groupID: TestBroker.uniqueName(name),
            rebalance: StoreRebalanceListener(store: OffsetStore()), logger: TestBroker.logger)
        try consumer.subscribe([topic])
        return (topic, consumer)
    }

    @Test func roundTripsKeysValuesAndHeadersExactly() async throws {
        let topic = try await TestBroker.createTopic("roundtrip", partitions: 3)
        let producer = try KafkaProducer(config: TestBroker.config(), logger: TestBroker.logger)
        let reports = try await producer.send(TestMessages.make(topic: topic, count: 1_000))
        producer.close()

        let store = OffsetStore()
        let statistics = Mutex<KafkaStatistics?>(nil)
        let consumer = try KafkaConsumer(
            config: TestBroker.consumerConfig(["statistics.interval.ms": "500"]),
            groupID: TestBroker.uniqueName("roundtrip"), rebalance: StoreRebalanceListener(store: store),
            logger: TestBroker.logger, statistics: { snapshot in statistics.withLock { $0 = snapshot } })
        #expect(consumer.state == .initialized)
        try consumer.subscribe([topic])
        #expect(consumer.state == .subscribed)

        let start = ContinuousClock.now
        let messages = try await TestBroker.onThread { try Self.consume(consumer, count: 1_000) }
        print("round trip: consumed 1000 messages \(ContinuousClock.now - start) after subscribing (incl. JoinGroup)")
        #expect(messages.count == 1_000)
        let indices = messages.compactMap(TestMessages.verify)
        #expect(indices.count == 1_000, "every key, value and header exactly as produced")
        #expect(Set(indices) == Set(0..<1_000))
        #expect(messages.allSatisfy { $0.topic == topic && $0.timestampMs != nil })
        // Each message sits where its delivery report said.
        for message in messages {
            let report = reports[TestMessages.verify(message)!]
            #expect(report.partition == message.partition && report.offset == message.offset)
        }

        #expect(Set(consumer.assignment()) == Set((0..<3).map { KafkaTopicPartition(topic: topic, partition: $0) }))
        for partition in Int32(0)..<3 {
            let tp = KafkaTopicPartition(topic: topic, partition: partition)
            let produced = Int64(reports.filter { $0.partition == partition }.count)
            #expect(consumer.highWatermark(tp) == produced)
            #expect(consumer.position(tp) == produced)
        }
        // Statistics are served inside poll: keep polling until a snapshot shows the caught-up partitions.
        let lagged = try await TestBroker.onThread { () -> [KafkaTopicPartition: KafkaStatistics.Partition] in
            let deadline = ContinuousClock.now + .seconds(5)
            while ContinuousClock.now < deadline {
                _ = try consumer.poll(maxMessages: 10, timeoutMs: 100)
                let partitions = statistics.withLock { $0?.partitions ?? [:] }.filter { $0.key.topic == topic }
                if partitions.count == 3, partitions.values.allSatisfy({ $0.positionLag == 0 }) { return partitions }
            }
            return statistics.withLock { $0?.partitions ?? [:] }
        }
        #expect(lagged.count == 3 && lagged.values.allSatisfy { $0.positionLag == 0 }, "statistics: \(lagged)")
        #expect(lagged.values.map { $0.highWatermark ?? 0 }.reduce(0, +) == 1_000)
        consumer.close()
        #expect(consumer.state == .closed)
        consumer.close()
        #expect(throws: KafkaError.self) { try consumer.poll(maxMessages: 1, timeoutMs: 0) }
        #expect(consumer.assignment().isEmpty)
    }

    /// The worker's poll: records appended into one buffer across polls, keys and values exact.
    @Test func pollIntoABatchKeepsEveryKeyAndValueAcrossPolls() async throws {
        let (topic, consumer) = try await Self.consumerOfProducedTopic("batch-poll", partitions: 3, count: 1_000)
        defer { consumer.close() }
        let (batch, polls) = try await TestBroker.onThread { () -> (KafkaRecordBatch, Int) in
            var batch = KafkaRecordBatch()
            var polls = 0
            let deadline = ContinuousClock.now + .seconds(30)
            // Small polls, so the batch is filled by many of them.
            while batch.count < 1_000, ContinuousClock.now < deadline {
                try consumer.poll(into: &batch, maxRecords: min(97, 1_000 - batch.count), timeoutMs: 100)
                polls += 1
            }
            return (batch, polls)
        }
        #expect(batch.count == 1_000 && polls > 10)
        let messages = batch.records.map(batch.message)
        #expect(messages.allSatisfy { $0.topic == topic })
        #expect(Set(messages.compactMap(TestMessages.verifyWithoutHeaders)) == Set(0..<1_000))
        for partition in Int32(0)..<3 {
            let offsets = batch.records.filter { $0.partition == partition }.map(\.offset)
            #expect(offsets == Array(0..<Int64(offsets.count)), "partition \(partition) in order, from 0")
        }
    }

    @Test func listenerStartOffsetsAreHonoured() async throws {
        let topic = try await TestBroker.createTopic("start-offset", partitions: 1)
        let producer = try KafkaProducer(config: TestBroker.config(), logger: TestBroker.logger)
        _ = try await producer.send(TestMessages.make(topic: topic, count: 1_000))
        producer.close()

        let tp = KafkaTopicPartition(topic: topic, partition: 0)
        let store = OffsetStore(next: [tp: 500])
        let listener = StoreRebalanceListener(store: store)
        let consumer = try KafkaConsumer(
            config: TestBroker.consumerConfig(), groupID: TestBroker.uniqueName("start-offset"), rebalance: listener,
            logger: TestBroker.logger)
        defer { consumer.close() }
        try consumer.subscribe([topic])
        let messages = try await TestBroker.onThread { try Self.consume(consumer, count: 500) }
        #expect(messages.first?.offset == 500)
        #expect(messages.map(\.offset) == Array(500..<1_000))
        #expect(listener.assignedEvents == [[tp]])
    }

    @Test func newMemberResumesAtCommittedOffsetWhenListenerHasNone() async throws {
        let topic = try await TestBroker.createTopic("commit", partitions: 1)
        let producer = try KafkaProducer(config: TestBroker.config(), logger: TestBroker.logger)
        _ = try await producer.send(TestMessages.make(topic: topic, count: 300))
        producer.close()
        let group = TestBroker.uniqueName("commit")
        let tp = KafkaTopicPartition(topic: topic, partition: 0)

        let first = try KafkaConsumer(
            config: TestBroker.consumerConfig(), groupID: group, rebalance: StoreRebalanceListener(store: OffsetStore()),
            logger: TestBroker.logger)
        try first.subscribe([topic])
        let read = try await TestBroker.onThread { try Self.consume(first, count: 300) }
        #expect(read.count == 300)
        try first.commit([tp: 120], async: false)
        first.close()

        let second = try KafkaConsumer(
            config: TestBroker.consumerConfig(), groupID: group, rebalance: StoreRebalanceListener(store: OffsetStore()),
            logger: TestBroker.logger)
        defer { second.close() }
        try second.subscribe([topic])
        let resumed = try await TestBroker.onThread { try Self.consume(second, count: 180) }
        #expect(resumed.first?.offset == 120)
        #expect(resumed.count == 180)
    }

    @Test func failingListenerStopsTheConsumer() async throws {
        let topic = try await TestBroker.createTopic("listener-fails", partitions: 1)
        let producer = try KafkaProducer(config: TestBroker.config(), logger: TestBroker.logger)
        _ = try await producer.send(TestMessages.make(topic: topic, count: 10))
        producer.close()

        let consumer = try KafkaConsumer(
            config: TestBroker.consumerConfig(), groupID: TestBroker.uniqueName("listener-fails"),
            rebalance: StoreRebalanceListener(store: OffsetStore(), failOnAssign: true), logger: TestBroker.logger)
        defer { consumer.close() }
        try consumer.subscribe([topic])
        let outcome: Result<[KafkaMessage], KafkaError> = try await TestBroker.onThread {
            let deadline = ContinuousClock.now + .seconds(30)
            var received: [KafkaMessage] = []
            while ContinuousClock.now < deadline {
                do {
                    received += try consumer.poll(maxMessages: 100, timeoutMs: 100)
                } catch let error as KafkaError {
                    return .failure(error)
                }
            }
            return .success(received)
        }
        guard case .failure(let error) = outcome, case .rebalanceListenerFailed = error else {
            Issue.record("expected the listener failure, got \(outcome)")
            return
        }
        // Sticky: the consumer never delivers from offsets the application did not choose.
        #expect(throws: KafkaError.self) { try consumer.poll(maxMessages: 10, timeoutMs: 200) }
    }
}
