import Foundation
import Kafka
import Testing

@Suite(.enabled(if: TestBroker.shouldRun, "needs KAFKA_BROKERS (eval \"$(ops/stack up)\")"))
struct ConsumerGroupTests {
    /// Two members split four partitions and, with start offsets from a shared store (the runtime's
    /// database), together process every message exactly once across the rebalance.
    @Test(arguments: ["cooperative-sticky", "range"])
    func twoMembersSplitPartitionsAndReadEverythingOnce(strategy: String) async throws {
        let topic = try await TestBroker.createTopic("group-\(strategy)", partitions: 4)
        let group = TestBroker.uniqueName("group-\(strategy)")
        let producer = try KafkaProducer(config: TestBroker.config(), logger: TestBroker.logger)
        defer { producer.close() }
        let perPhase = 2_000
        let all = (0..<4).map { KafkaTopicPartition(topic: topic, partition: Int32($0)) }

        let store = OffsetStore()
        func member(_ name: String) throws -> (ConsumerWorker, StoreRebalanceListener) {
            let listener = StoreRebalanceListener(store: store)
            let consumer = try KafkaConsumer(
                config: TestBroker.consumerConfig(["partition.assignment.strategy": strategy]), groupID: group,
                rebalance: listener, logger: TestBroker.logger)
            try consumer.subscribe([topic])
            return (ConsumerWorker(name: name, consumer: consumer, store: store), listener)
        }

        // Phase 1: one member owns everything.
        _ = try await producer.send(TestMessages.make(topic: topic, count: perPhase))
        let (first, firstListener) = try member("first")
        first.start()
        #expect(await TestBroker.eventually(timeout: .seconds(20)) { store.processedCount == perPhase })

        // Phase 2: a second member joins while messages keep arriving, so partitions move with data in flight.
        let (second, secondListener) = try member("second")
        second.start()
        var produced = perPhase
        var split = false
        let deadline = ContinuousClock.now + .seconds(30)
        while !split, ContinuousClock.now < deadline {
            _ = try await producer.send(TestMessages.make(topic: topic, count: 100))
            produced += 100
            try await Task.sleep(for: .milliseconds(50))
            let a = first.consumer.assignment(), b = second.consumer.assignment()
            split = a.count == 2 && b.count == 2 && Set(a + b) == Set(all)
        }
        #expect(split, "assignments: \(first.consumer.assignment()) / \(second.consumer.assignment())")
        // The first member gave up exactly what moved (cooperative) or everything (eager), after which
        // both listeners were asked for start offsets.
        let firstRevocation = firstListener.revokedEvents.first ?? []
        #expect(firstRevocation.count == (strategy == "range" ? 4 : 2), "revoked: \(firstRevocation)")
        #expect(secondListener.assignedEvents.flatMap { $0 }.count == 2)

        // Phase 3: messages after the split reach both members.
        _ = try await producer.send(TestMessages.make(topic: topic, count: perPhase))
        produced += perPhase
        let total = produced
        #expect(await TestBroker.eventually(timeout: .seconds(20)) { store.processedCount >= total })
        try await Task.sleep(for: .milliseconds(300))  // would reveal late duplicates

        await first.stop()
        await second.stop()
        #expect(first.error == nil && second.error == nil)
        #expect(store.processedCount == total)
        #expect(store.duplicates.isEmpty)
        let counts = store.countByConsumer
        #expect((counts["second"] ?? 0) > 0, "counts: \(counts)")
        print("\(strategy): \(total) messages, processed per member \(counts)")
    }
}
