import Events
import Foundation
import Kafka
import Logging
import Processor
import Synchronization

/// The broker's own produce → poll latency, measured beside a pipeline: a bare producer (Turnstile's
/// defaults) sends 8-byte timestamps to a topic of its own, and a bare consumer configured like a
/// latency-bound projection's reads them on a thread of its own. Measured during a bench phase, it tells how
/// much of the pipeline's produced → polled tail the broker and the machine would have given anyway.
struct BrokerFloor: Sendable {
    private final class Received: Sendable {
        let latencies = Mutex<[Int64]>([])
        let warm = Atomic(false)
        let stop = Atomic(false)
    }

    private let producer: KafkaProducer
    private let topic: String
    private let received: Received
    private let reader: Task<Void, any Error>

    /// Joins a fresh group on `topic` (which must exist) and returns once a warm-up record came through, so
    /// that only records sent afterwards are measured.
    static func start(kafka: KafkaConfig, topic: String, logger: Logger) async throws -> BrokerFloor {
        var config = kafka
        if config["fetch.wait.max.ms"] == nil { config["fetch.wait.max.ms"] = "5" }
        // The first JoinGroup takes about half the session timeout on Tansu: keep it short.
        if config["session.timeout.ms"] == nil { config["session.timeout.ms"] = "6000" }
        let consumer = try KafkaConsumer(
            config: config, groupID: "bench-floor-\(UUID().uuidString.prefix(6))", rebalance: StartAtBeginning(), logger: logger)
        try consumer.subscribe([topic])
        let producer = try KafkaProducer(config: kafka, logger: logger)
        let floor = BrokerFloor(producer: producer, topic: topic, consumer: consumer)
        let deadline = ContinuousClock.now + .seconds(60)
        while !floor.received.warm.load(ordering: .acquiring), ContinuousClock.now < deadline {
            _ = try await producer.send([KafkaOutgoingMessage(topic: topic, key: Array("raw".utf8), value: [0])])
            try await Task.sleep(for: .milliseconds(200))
        }
        guard floor.received.warm.load(ordering: .acquiring) else {
            await floor.finish()
            throw BenchError(message: "the floor's consumer received nothing from \(topic) within 60 s")
        }
        return floor
    }

    private init(producer: KafkaProducer, topic: String, consumer: KafkaConsumer) {
        self.producer = producer
        self.topic = topic
        let received = Received()
        self.received = received
        reader = Task {
            try await BlockingThread.run(name: "bench-floor") {
                defer { consumer.close() }
                while !received.stop.load(ordering: .relaxed) {
                    for m in try consumer.poll(maxMessages: 100, timeoutMs: 50) {
                        if m.value.count == 1 { received.warm.store(true, ordering: .releasing) }
                        guard m.value.count == 8 else { continue }
                        let sent = m.value.withUnsafeBytes { $0.loadUnaligned(as: Int64.self) }
                        let latency = Timestamp.now().microseconds - sent
                        received.latencies.withLock { $0.append(latency) }
                    }
                }
            }
        }
    }

    /// Sends `records` records `interval` apart and returns their produce → poll latencies (µs, sorted).
    func measure(records: Int, every interval: Duration) async throws -> [Int64] {
        received.latencies.withLock { $0.removeAll() }
        for _ in 0..<records {
            var now = Timestamp.now().microseconds
            let value = withUnsafeBytes(of: &now) { Array($0) }
            _ = try await producer.send([KafkaOutgoingMessage(topic: topic, key: Array("raw".utf8), value: value)])
            try await Task.sleep(for: interval)
        }
        let deadline = ContinuousClock.now + .seconds(30)
        while received.latencies.withLock({ $0.count }) < records, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        let latencies = received.latencies.withLock { $0.sorted() }
        guard !latencies.isEmpty else { throw BenchError(message: "the floor's consumer received nothing from \(topic)") }
        return latencies
    }

    /// Stops the reader, waits for it to leave the group, and closes the producer.
    func finish() async {
        received.stop.store(true, ordering: .relaxed)
        _ = try? await reader.value
        producer.close()
    }
}
