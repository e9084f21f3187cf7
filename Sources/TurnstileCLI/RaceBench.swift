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
import Synchronization

/// The motorsport latency benchmark: timing event produced → leaderboard row committed, with telemetry
/// flowing, at race rate and at a multiple of it. Scratch topics and database, like the parks bench.
struct RaceBench {
    let kafka: KafkaConfig
    let baseURL: String
    let logger: Logger
    let seconds: Double
    let speedups: [Double]
    /// Telemetry held and sent together every this many ms, as a feed delivers it (0: each sample in the 10 ms
    /// tick it falls due in). Timing events always go at once.
    var telemetryEveryMs: Int = 0
    let say: (String, String) -> Void

    func run() async throws {
        let id = String(UUID().uuidString.prefix(6)).lowercased()
        let topics = TopicNames(prefix: "bench-\(id).")
                let scratch = try BenchScratch(id: id, kafka: kafka, baseURL: baseURL, logger: logger)
        defer { scratch.remove() }
        let admin = scratch.admin

        // 20 cars, 4 telemetry samples a second each (OpenF1's car_data rate), a long race to pace through.
        let race = RaceSimulator(.init(seed: 7, sessionID: "bench-race", cars: 20, laps: 70, telemetryHz: 4)).events()
        let start = race.first!.eventTime.microseconds
        say("race events (20 cars × 70 laps, telemetry 4 Hz)", "\(race.count), of which timing \(race.filter { $0.type != CarSample.eventType }.count)")

        say("telemetry sent", telemetryEveryMs > 0 ? "in batches every \(telemetryEveryMs) ms" : "each sample when due (10 ms ticks)")

        let settings = ProcessorSettings(
            databaseURL: scratch.databaseURL, kafka: kafka, groupPrefix: "bench-\(id)", maxBatch: 5_000,
            deadLetterTopic: topics[.motorsportDeadLetters])
        let probe = LatencyProbe()
        let session = ProjectionDefinition.motorsportSession.worker(topics: topics, settings: settings, logger: logger) {
            ingest, polled, committed in probe.record(ingest, polledAt: polled, committedAt: committed)
        }
        let telemetry = ProjectionDefinition.motorsportTelemetry.worker(topics: topics, settings: settings, logger: logger)
        let relay = OutboxRelay(databaseURL: scratch.databaseURL, kafka: kafka, table: RuntimeTables().outbox, logger: logger)
        let tasks = [session, telemetry, relay].map { runner in
            Task { try await BlockingThread.run(name: "bench-\(runner.name)") { try runner.run() } }
        }
        defer { for runner in [session as any BlockingRunner, telemetry, relay] { runner.stop() } }

        let producer = try KafkaProducer(config: kafka, logger: logger)
        defer { producer.close() }
        let publisher = EventPublisher(producer: producer, router: RawEventRouter(topics: topics))
        let db = try PGSession.connect(url: scratch.databaseURL)
        defer { db.close() }
        func folded() throws -> Int64 {
            try db.execute(
                "SELECT coalesce(sum(next_offset),0)::bigint FROM \(RuntimeTables().offsets) WHERE topic = $1", [.text(topics[.motorsportTiming])]
            ).int(0, 0) ?? 0
        }

        // The broker's own floor, on the same machine now: a bare producer and consumer on a topic of their own,
        // one record every 50 ms; then again during each phase, beside the pipeline, one every 200 ms.
        let floorTopic = topics.prefix + "floor"
        _ = try admin.createTopics([KafkaTopicSpec(name: floorTopic, partitions: 1, config: ["retention.ms": "3600000"])])
        defer { _ = try? admin.deleteTopics([floorTopic]) }
        let floor = try await BrokerFloor.start(kafka: kafka, topic: floorTopic, logger: logger)
        let before = try await floor.measure(records: 100, every: .milliseconds(50))
        say("raw produce → consume, one record every 50 ms, p50 / p99", "\(Self.pct(0.5, before)) / \(Self.pct(0.99, before))")

        // Each phase paces `seconds` of wall time through the next stretch of the race at its speed-up.
        var next = 0
        var simulated = start + 120 * 1_000_000  // skip the grid and first lap: every car is on track
        var timingSent: Int64 = 0
        // Everything before the first measured stretch goes in unpaced and is folded first.
        let warmup = race.prefix { $0.eventTime.microseconds < simulated }
        timingSent += Int64(warmup.filter { $0.type != CarSample.eventType }.count)
        _ = try await publisher.publish(Array(warmup))
        next = warmup.count
        while try folded() < timingSent { try await Task.sleep(for: .milliseconds(20)) }

        for speedup in speedups {
            probe.reset()
            let phaseStart = ContinuousClock.now
            let phaseSimStart = simulated
            var sentThisPhase = 0, telemetryThisPhase = 0
            var heldTelemetry: [EventEnvelope] = []
            var lastTelemetrySend = ContinuousClock.now
            // The floor beside the phase, for as long as the phase will send (the race may end first).
            let phaseSending = min(seconds, Double(race.last!.eventTime.microseconds - phaseSimStart) / 1e6 / speedup)
            let floorDuring = Task { try await floor.measure(records: max(1, Int(phaseSending * 5)), every: .milliseconds(200)) }
            while ContinuousClock.now - phaseStart < .seconds(seconds), next < race.count {
                // Every 10 ms, send what is due by then.
                let elapsed = (ContinuousClock.now - phaseStart).seconds
                simulated = phaseSimStart + Int64(elapsed * speedup * 1e6)
                var due: [EventEnvelope] = []
                let now = Timestamp.now()
                while next < race.count, race[next].eventTime.microseconds <= simulated {
                    var e = race[next]
                    e.ingestTime = now
                    due.append(e)
                    next += 1
                }
                if telemetryEveryMs > 0 {
                    heldTelemetry += due.filter { $0.type == CarSample.eventType }
                    due.removeAll { $0.type == CarSample.eventType }
                    if ContinuousClock.now - lastTelemetrySend >= .milliseconds(telemetryEveryMs) {
                        due += heldTelemetry
                        heldTelemetry.removeAll(keepingCapacity: true)
                        lastTelemetrySend = .now
                    }
                }
                if !due.isEmpty {
                    _ = try await publisher.publish(due)
                    let timing = due.filter { $0.type != CarSample.eventType }.count
                    timingSent += Int64(timing)
                    sentThisPhase += timing
                    telemetryThisPhase += due.count - timing
                }
                try await Task.sleep(for: .milliseconds(10))
            }
            if !heldTelemetry.isEmpty {
                _ = try await publisher.publish(heldTelemetry)
                telemetryThisPhase += heldTelemetry.count
            }
            // The race may end before the phase does: rates are over the time events were actually sent.
            let sending = min((ContinuousClock.now - phaseStart).seconds, seconds)
            while try folded() < timingSent { try await Task.sleep(for: .milliseconds(20)) }
            let latencies = probe.sorted(), toPoll = probe.sortedToPoll()
            let during = try await floorDuring.value
            let pct = Self.pct
            let label = speedup == 1 ? "race rate" : "\(Int(speedup))× race rate"
            say("timing event → leaderboard visible at \(label), p50 / p99", "\(pct(0.5, latencies)) / \(pct(0.99, latencies))")
            say("  of which produced → polled, p50 / p99", "\(pct(0.5, toPoll)) / \(pct(0.99, toPoll))")
            say("  bare broker beside it (\(during.count) records), p50 / p99 / max",
                "\(pct(0.5, during)) / \(pct(0.99, during)) / \(pct(1, during))")
            say("  timing events / telemetry samples per second",
                String(format: "%.1f / %.0f  (%d timing events measured over %.0f s)", Double(sentThisPhase) / sending,
                       Double(telemetryThisPhase) / sending, latencies.count, sending))
            // More commits than events sent means records were folded again (a rebalance re-delivered
            // records whose batch had not committed): the percentiles then mix in re-deliveries.
            if latencies.count != sentThisPhase {
                say("  WARNING: events measured ≠ events sent", "\(latencies.count) ≠ \(sentThisPhase)")
            }
        }
        for runner in [session as any BlockingRunner, telemetry, relay] { runner.stop() }
        for task in tasks { _ = try await task.value }
        await floor.finish()
    }

    /// The `p` quantile of sorted microseconds, in milliseconds ("-" when there are none).
    static func pct(_ p: Double, _ sorted: [Int64]) -> String {
        guard !sorted.isEmpty else { return "-" }
        return String(format: "%.1f ms", Double(sorted[min(sorted.count - 1, Int(p * Double(sorted.count)))]) / 1000)
    }
}

struct BenchError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
