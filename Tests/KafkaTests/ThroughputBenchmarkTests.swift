import Dispatch
import Foundation
import Kafka
import TestSupport
import Testing

/// Raw produce/consume rates of this module against the broker, for comparison with the pipeline.
/// Opt-in (KAFKA_BENCH=1; KAFKA_BENCH_MESSAGES sets the count): it takes longer than the unit suite should.
@Suite(
    .enabled(
        if: TestBroker.brokers != nil && TestEnvironment.variables["KAFKA_BENCH"] == "1",
        "set KAFKA_BENCH=1 (and KAFKA_BROKERS) to measure throughput"))
struct ThroughputBenchmarkTests {
    @Test func produceAndConsumeRates() async throws {
        let count = TestEnvironment.variables["KAFKA_BENCH_MESSAGES"].flatMap(Int.init) ?? 500_000
        let topic = try await TestBroker.createTopic("bench", partitions: 4)
        let value = [UInt8](repeating: 0x61, count: 100)
        let messages = (0..<count).map {
            KafkaOutgoingMessage(topic: topic, key: TestBroker.bytes("k\($0 % 1_000)"), value: value)
        }
        let producer = try KafkaProducer(config: TestBroker.config(), logger: TestBroker.logger)

        // One pipelined batch: the module's ceiling.
        let pipelinedStart = ContinuousClock.now
        let pipelined = try await producer.send(messages)
        let pipelinedTime = ContinuousClock.now - pipelinedStart
        #expect(pipelined.count == count)

        // Where the time goes: handing messages to librdkafka vs waiting for acknowledgements.
        let handOff = try await TestBroker.onThread { () -> (Duration, Duration) in
            let waiter = DispatchSemaphore(value: 0)
            let start = ContinuousClock.now
            producer.send(messages) { _ in waiter.signal() }
            let queued = ContinuousClock.now - start
            waiter.wait()
            return (queued, ContinuousClock.now - start)
        }
        print("bench: completion API: \(count) handed to librdkafka in \(handOff.0), all acknowledged after \(handOff.1)")

        let produceStart = ContinuousClock.now
        let reports = try await TestBroker.onThread {
            // Batches of 10 000 from the relay-style blocking API, pipelined through the completion API.
            var all: [KafkaDeliveryReport] = []
            for start in stride(from: 0, to: count, by: 10_000) {
                all += try producer.sendAndWait(Array(messages[start..<min(start + 10_000, count)]))
            }
            return all
        }
        let produceTime = ContinuousClock.now - produceStart
        producer.close()
        #expect(reports.count == count)

        let consumer = try KafkaConsumer(
            config: TestBroker.consumerConfig(), groupID: TestBroker.uniqueName("bench"),
            rebalance: StoreRebalanceListener(store: OffsetStore()), logger: TestBroker.logger)
        defer { consumer.close() }
        try consumer.subscribe([topic])
        let (consumed, consumeTime) = try await TestBroker.onThread { () -> (Int, Duration) in
            var total = try consumer.poll(maxMessages: 10_000, timeoutMs: 30_000).count  // waits for JoinGroup
            let start = ContinuousClock.now
            let deadline = start + .seconds(120)
            while total < 2 * count, ContinuousClock.now < deadline {
                total += try consumer.poll(maxMessages: 10_000, timeoutMs: 500).count
            }
            return (total, ContinuousClock.now - start)
        }
        #expect(consumed == 2 * count)
        print(
            "bench: produced \(count) x 100 B as one async batch in \(pipelinedTime) "
                + "(\(Int(Double(count) / pipelinedTime.seconds)) msg/s); again in \(produceTime) (\(Int(Double(count) / produceTime.seconds)) msg/s, "
                + "sendAndWait batches of 10 000); consumed in \(consumeTime) after the first poll "
                + "(\(Int(Double(2 * count) / consumeTime.seconds)) msg/s for \(2 * count))")
    }
}
