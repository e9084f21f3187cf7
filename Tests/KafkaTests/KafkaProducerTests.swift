import Foundation
import Kafka
import Synchronization
import Testing

@Suite(.enabled(if: TestBroker.shouldRun, "needs KAFKA_BROKERS (eval \"$(ops/stack up)\")"))
struct KafkaProducerTests {
    @Test func deliveryReportsInInputOrderWithIncreasingOffsets() async throws {
        let topic = try await TestBroker.createTopic("produce", partitions: 3)
        let producer = try KafkaProducer(config: TestBroker.config(), logger: TestBroker.logger)
        defer { producer.close() }

        let messages = TestMessages.make(topic: topic, count: 1_000)
        let reports = try await producer.send(messages)
        #expect(reports.count == 1_000)
        #expect(reports.allSatisfy { $0.topic == topic && (0..<3).contains($0.partition) })
        #expect(Set(reports.map(\.partition)).count == 3, "keys spread over all partitions")
        // Per partition, offsets follow input order (idempotent producer keeps ordering) with no gaps.
        for partition in Int32(0)..<3 {
            let offsets = reports.filter { $0.partition == partition }.map(\.offset)
            #expect(offsets == Array(offsets.first!..<(offsets.first! + Int64(offsets.count))))
        }

        // An explicit partition is honoured.
        let pinned = try await producer.send(TestMessages.make(topic: topic, count: 10, partition: 2))
        #expect(pinned.allSatisfy { $0.partition == 2 })
        #expect(producer.flush(timeoutMs: 5_000))
        #expect(producer.outstandingCount == 0)
        #expect(producer.fatalError == nil)
    }

    @Test func fullLocalQueueWaitsInsteadOfFailing() async throws {
        let topic = try await TestBroker.createTopic("queue-full", partitions: 3)
        let producer = try KafkaProducer(
            config: TestBroker.config(["queue.buffering.max.messages": "1000"]), logger: TestBroker.logger)
        defer { producer.close() }

        let messages = (0..<20_000).map {
            KafkaOutgoingMessage(topic: topic, key: TestBroker.bytes("k\($0 % 97)"), value: TestBroker.bytes("v\($0)"))
        }
        let start = ContinuousClock.now
        let reports = try await producer.send(messages)
        let elapsed = ContinuousClock.now - start
        #expect(reports.count == 20_000)
        #expect(Set(reports.map { "\($0.partition)/\($0.offset)" }).count == 20_000)
        print("queue-full: 20000 messages through a 1000-message queue in \(elapsed) "
              + "(\(Int(20_000 / elapsed.seconds)) msg/s)")
    }

    @Test func sendAndWaitFromAPlainThread() async throws {
        let topic = try await TestBroker.createTopic("relay", partitions: 2)
        let producer = try KafkaProducer(
            config: TestBroker.config(["queue.buffering.max.messages": "1000"]), logger: TestBroker.logger)
        defer { producer.close() }

        let reports = try await TestBroker.onThread {
            var all: [KafkaDeliveryReport] = []
            for batch in 0..<5 {
                all += try producer.sendAndWait(
                    TestMessages.make(topic: topic, count: 1_000).map { message in
                        var message = message
                        message.value += TestBroker.bytes("/\(batch)")
                        return message
                    })
            }
            return all
        }
        #expect(reports.count == 5_000)
        #expect(try await TestBroker.onThread { try producer.sendAndWait([]) }.isEmpty)
    }

    @Test func completionSeesEveryResultOnceAndClosedProducerFails() async throws {
        let topic = try await TestBroker.createTopic("completion", partitions: 1)
        let producer = try KafkaProducer(config: TestBroker.config(), logger: TestBroker.logger)
        let calls = Mutex(0)
        let results: [Result<KafkaDeliveryReport, KafkaError>] = await withCheckedContinuation { continuation in
            producer.send(TestMessages.make(topic: topic, count: 100)) { results in
                calls.withLock { $0 += 1 }
                continuation.resume(returning: results)
            }
        }
        #expect(results.count == 100)
        #expect(results.map { try? $0.get().offset } == (0..<100).map { Int64($0) })

        producer.close()
        producer.close()
        await #expect(throws: KafkaError.self) {
            try await producer.send(TestMessages.make(topic: topic, count: 1))
        }
        #expect(calls.withLock { $0 } == 1)
    }
}
