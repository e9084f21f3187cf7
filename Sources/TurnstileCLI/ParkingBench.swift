import Catalog
import Events
import Foundation
import Ingest
import Kafka
import Logging
import Postgres
import Processor
import Projections
import Registry

/// The parking benchmark: simulated garages (bay sensors with heartbeats, flapping, dead, repeated and late
/// readings; one facility counted at its gates) through `parking_occupancy`. Throughput against the raw
/// broker rates and the fold alone, and produce → visible latency at a fixed rate. Scratch topics and
/// database, like the other benches.
struct ParkingBench {
    let kafka: KafkaConfig
    let baseURL: String
    let logger: Logger
    let events: Int
    let latencyRate: Double
    let latencySeconds: Double
    let say: (String, String) -> Void

    static func garages(seed: UInt64, start: String) -> [EventEnvelope] {
        GarageSimulator(.init(
            seed: seed, facilities: 8, levelsPerFacility: 2, zonesPerLevel: 2, spotsPerZone: 25,
            start: Timestamp(iso8601: start)!, hours: 24, countBasedFacilities: 1)).events()
    }

    func run() async throws {
        let id = String(UUID().uuidString.prefix(6)).lowercased()
        let topics = TopicNames(prefix: "bench-\(id).")
        let projection = ParkingProjection(topics: topics)
        let envelopes = Array(Self.garages(seed: 5, start: "2024-05-20T00:00:00Z").prefix(events))
        let encoded = envelopes.map { $0.encoded() }
        let readings = envelopes.filter { $0.type == SpotReading.eventType }.count
        say("parking events (8 garages × 100 spots, 24 h)",
            "\(envelopes.count), of which spot readings \(readings) (avg \(encoded.reduce(0) { $0 + $1.count } / max(1, encoded.count)) bytes)")

        // 1. Decode + validate + fold, one core, no I/O.
        // In the worker's batches, the previous batch's output alive meanwhile (as `BenchCommand.measureFold`).
        var states: [String: FacilityState] = [:]
        var rows = 0
        var previous = FoldedBatch<FacilityState, ParkingProjection.Row>()
        let foldStart = ContinuousClock.now
        for chunk in stride(from: 0, to: encoded.count, by: BenchCommand.foldBatch) {
            let inputs = try encoded[chunk..<min(chunk + BenchCommand.foldBatch, encoded.count)].map { bytes in
                let input = try projection.decode(try EventEnvelope.decode(bytes))
                return (key: projection.stateKey(of: input), input: input)
            }
            let folded = projection.fold(batch: consume inputs, states: &states)
            rows += folded.rows.count + folded.derived.count
            previous = folded
        }
        precondition(rows == 0 || !previous.touched.isEmpty)
        let foldRate = Double(encoded.count) / (ContinuousClock.now - foldStart).seconds
        say("decode+validate+fold (1 core)", BenchCommand.rate(foldRate))
        say("  rows and derived events per input event", String(format: "%.2f", Double(rows) / Double(max(1, encoded.count))))

        let scratch = try BenchScratch(id: id, kafka: kafka, baseURL: baseURL, logger: logger)
        defer { scratch.remove() }

        // 2. Raw produce and consume of the same records.
        let producer = try KafkaProducer(config: kafka, logger: logger)
        defer { producer.close() }
        let router = RawEventRouter(topics: topics)
        let messages = try envelopes.map { EventPublisher.message(try router.route($0)) }
        let produceStart = ContinuousClock.now
        for chunk in stride(from: 0, to: messages.count, by: 20_000) {
            _ = try await producer.send(Array(messages[chunk..<min(chunk + 20_000, messages.count)]))
        }
        let produceRate = Double(messages.count) / (ContinuousClock.now - produceStart).seconds
        say("raw produce (librdkafka, idempotent, lz4)", BenchCommand.rate(produceRate))
        let kafka = self.kafka, logger = self.logger, count = messages.count
        let consumeRate = try await BlockingThread.run(name: "bench-consume") {
            try BenchCommand.measureConsume(topic: topics[.parkingSensors], count: count, kafka: kafka, group: "bench-\(id)-raw", logger: logger)
        }
        say("raw consume (librdkafka)", BenchCommand.rate(consumeRate))

        // 3. End to end, then 4. latency at a fixed rate, with the same running processor.
        let settings = ProcessorSettings(
            databaseURL: scratch.databaseURL, kafka: kafka, groupPrefix: "bench-\(id)", maxBatch: 5_000,
            deadLetterTopic: topics[.parkingDeadLetters])
        let relay = OutboxRelay(databaseURL: scratch.databaseURL, kafka: kafka, table: RuntimeTables().outbox, logger: logger)
        let probe = LatencyProbe()
        let worker = ProjectionDefinition.parkingOccupancy.worker(topics: topics, settings: settings, logger: logger) {
            ingest, polled, committed in probe.record(ingest, polledAt: polled, committedAt: committed)
        }
        let tasks = [worker, relay].map { runner in
            Task { try await BlockingThread.run(name: "bench-\(runner.name)") { try runner.run() } }
        }
        defer { for runner in [worker as any BlockingRunner, relay] { runner.stop() } }
        let db = try PGSession.connect(url: scratch.databaseURL)
        defer { db.close() }
        func folded() throws -> Int64 {
            try db.execute("SELECT coalesce(sum(next_offset),0)::bigint FROM \(RuntimeTables().offsets) WHERE topic = $1", [.text(topics[.parkingSensors])])
                .int(0, 0) ?? 0
        }
        // Timed from the first commit (group join excluded) to the last record folded.
        while probe.firstCommit == nil { try await Task.sleep(for: .milliseconds(5)) }
        let e2eStart = probe.firstCommit!, firstBatch = probe.count
        while try folded() < Int64(messages.count) { try await Task.sleep(for: .milliseconds(20)) }
        let e2eRate = Double(messages.count - firstBatch) / max(Double(probe.lastCommit! - e2eStart) / 1e6, 1e-9)
        say("end to end: broker → fold → TimescaleDB (effectively once)", BenchCommand.rate(e2eRate))
        say("  ratio to the lower raw rate (produce, consume)", String(format: "%.2f", e2eRate / min(produceRate, consumeRate)))
        say("  ratio to decode+fold", String(format: "%.2f", e2eRate / foldRate))

        // The next day of the same garages, paced: each reading's ingest time is stamped when it is sent.
        probe.reset()
        let live = Array(Self.garages(seed: 6, start: "2024-05-21T00:00:00Z").prefix(Int(latencyRate * latencySeconds)))
        _ = try await SimulationRunner(publisher: EventPublisher(producer: producer, router: router)).run(live, rate: latencyRate)
        while try folded() < Int64(messages.count + live.count) { try await Task.sleep(for: .milliseconds(20)) }
        let latencies = probe.sorted(), toPoll = probe.sortedToPoll()
        func pct(_ sorted: [Int64], _ p: Double) -> String {
            guard !sorted.isEmpty else { return "-" }
            return String(format: "%.1f ms", Double(sorted[min(sorted.count - 1, Int(p * Double(sorted.count)))]) / 1000)
        }
        say("latency produce→visible at \(Int(latencyRate))/s, p50 / p99", "\(pct(latencies, 0.5)) / \(pct(latencies, 0.99))")
        say("  of which produce→polled, p50 / p99", "\(pct(toPoll, 0.5)) / \(pct(toPoll, 0.99))")
        say("  samples", "\(latencies.count)")
        for runner in [worker as any BlockingRunner, relay] { runner.stop() }
        for task in tasks { _ = try await task.value }
    }
}
