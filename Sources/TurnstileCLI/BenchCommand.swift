import ArgumentParser
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
import Training

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure the pipeline against the raw broker and database rates, in one run.",
        discussion: """
            Prints: decode+validate+fold events/s on one core; raw librdkafka consume rate and raw binary COPY
            rate (hypertable shaped like wait_times) on the same broker and database; end-to-end events/s of the
            parks_wait_times projection (broker → fold → TimescaleDB, effectively once, relay running) and its
            ratio to the lower raw rate; p50/p99 produce→visible latency at a fixed rate.
            With --race: p50/p99 from a timing event produced to the leaderboard row committed, with 20 cars'
            telemetry flowing, at race rate and at 100× race rate (--race-speedups).
            With --rebuild: a new version of parks_wait_times rebuilt from --events records (turnstile replay's
            path, no promotion), against raw consume and raw binary COPY of the same rows in the same run.
            With --forecast: a simulated history (--forecast-days, default a year, of 50 attractions) trained on with
            `turnstile train parks`' path: training time, MAE and P90 per horizon of the model and both baselines.
            With --predictions: the serving cost of the forecasts: the parks pipeline end to end over the same
            --events with and without the forecast projections (a 600-trees-per-horizon model served), twice.
            With --query: wrk at --query-connections (64) against the query service over --query-live-keys (100 000)
            current-state keys and --query-history-rows (10 M) of wait-time history: p50/p99 and req/s of a park's
            waits, its crowd level and a 24-hour history in 15-minute buckets, beside the HTTP floor (/health).
            With --parking: simulated garages through parking_occupancy: decode+fold, raw produce/consume, end to
            end and its ratios, produce→visible latency at --latency-rate (default there: 2000/s).
            Works in a scratch database (turnstile_bench_<id>, created and dropped: needs CREATEDB) and
            scratch topics (prefix bench-<id>.), so it never touches real projections. Build with -c release.
            """)

    @OptionGroup var global: GlobalOptions
    @Option(help: "Events for the throughput measurements.") var events: Int = 200_000
    @Option(help: "Events per second for the latency measurement (default 5000; 2000 with --parking).") var latencyRate: Double?
    @Option(help: "Seconds of the latency measurement.") var latencySeconds: Double = 15
    @Flag(help: "Only the in-memory measures (decode, decode+fold): no broker or database needed.")
    var foldOnly = false
    @Flag(help: "The motorsport latency bench instead: timing event → leaderboard row, telemetry flowing.")
    var race = false
    @Option(help: "Wall-clock seconds of each race phase.") var raceSeconds: Double = 60
    @Option(help: "Speed-ups of the race phases (1 = race rate).") var raceSpeedups: [Double] = [1, 100]
    @Option(help: "Send the race's telemetry in batches every this many ms, as a feed delivers it (0: each sample when due).")
    var raceTelemetryEveryMs: Int = 0
    @Option(help: "Batch linger of the parks bench's processor (ms; default: the projection's own, 10).")
    var batchLingerMs: Int?
    @Flag(help: "The parking bench instead: simulated garages through parking_occupancy.")
    var parking = false
    @Flag(help: "The rebuild bench instead: parks_wait_times rebuilt into a new version from --events records.")
    var rebuild = false
    @Option(help: "Records per transaction of the rebuild bench.") var rebuildBatch: Int = 20_000
    @Flag(help: "The forecast bench instead: a simulated history trained on with `train parks`' path; model vs baselines.")
    var forecast = false
    @Option(help: "Days of simulated history of the forecast bench.") var forecastDays: Int = 365
    @Option(help: "Parks of the forecast bench's history.") var forecastParks: Int = 2
    @Option(help: "Attractions per park of the forecast bench's history.") var forecastAttractions: Int = 25
    @Option(help: "Seed of the forecast bench's simulated history and of its fit.") var forecastSeed: UInt64 = 1
    @Flag(help: "The forecasts' serving-cost bench instead: the parks pipeline with and without them, same events.")
    var predictions = false
    @Flag(help: "The live stream bench instead: produce → received on GET /v1/stream, at --latency-rate with --stream-clients clients.")
    var stream = false
    @Option(help: "SSE clients of the stream bench, each following one park.") var streamClients: Int = 100
    @Flag(help: "The query bench instead: wrk against the query service over --query-history-rows of history and --query-live-keys.")
    var query = false
    @Option(help: "Live attractions (current state keys) of the query bench, in parks of 20.") var queryLiveKeys: Int = 100_000
    @Option(help: "Rows of wait-time history of the query bench.") var queryHistoryRows: Int = 10_000_000
    @Option(help: "wrk's connections in the query bench.") var queryConnections: Int = 64
    @Option(help: "Seconds of each wrk run of the query bench.") var querySeconds: Int = 15
    @Option(help: "Database connections of the query bench's server (serve --connections).") var queryPool: Int = 4
    @Option(help: "Requests per second of the query bench's paced runs (all connections together).") var queryRate: Int = 1_000
    @Option(help: "Python with LightGBM for the forecast benches (default: as `train parks` finds it).") var python: String?

    func validate() throws {
        guard queryLiveKeys >= QueryBench.attractionsPerPark, queryHistoryRows >= 0, queryConnections > 0, querySeconds > 0, queryPool > 0, queryRate > 0 else {
            throw ValidationError("--query-live-keys must be at least 20, --query-history-rows at least 0; --query-connections, --query-seconds, --query-pool and --query-rate positive")
        }
        if let linger = batchLingerMs, !(0...60_000).contains(linger) {
            throw ValidationError("--batch-linger-ms must be within 0...60000")
        }
        guard (0...60_000).contains(raceTelemetryEveryMs) else {
            throw ValidationError("--race-telemetry-every-ms must be within 0...60000")
        }
    }

    func run() async throws {
        var quiet = try global.bootstrap(label: "turnstile.bench")
        if ProcessInfo.processInfo.environment["TURNSTILE_BENCH_DEBUG"] == nil { quiet.logLevel = .warning }
        let logger = quiet
        let id = String(UUID().uuidString.prefix(6)).lowercased()
        let topics = TopicNames(prefix: "bench-\(id).")
        var report: [(String, String)] = []
        func say(_ name: String, _ value: String) {
            report.append((name, value))
            print(name.padding(toLength: 60, withPad: " ", startingAt: 0) + value)
        }

        if query {
            try await QueryBench(
                baseURL: try global.database(), logger: logger, seconds: querySeconds, connections: queryConnections,
                liveKeys: queryLiveKeys, historyRows: queryHistoryRows, poolSize: queryPool, rate: queryRate, say: say
            ).run()
            return
        }

        if stream {
            try await StreamBench(
                kafka: try global.kafkaConfig(), baseURL: try global.database(), logger: logger, rate: latencyRate ?? 5_000,
                seconds: latencySeconds, clients: streamClients, say: say
            ).run()
            return
        }

        if race {
            try await RaceBench(
                kafka: try global.kafkaConfig(), baseURL: try global.database(), logger: logger, seconds: raceSeconds,
                speedups: raceSpeedups, telemetryEveryMs: raceTelemetryEveryMs, say: say
            ).run()
            return
        }

        if rebuild {
            try await RebuildBench(
                kafka: try global.kafkaConfig(), baseURL: try global.database(), logger: logger, events: events,
                maxBatch: rebuildBatch, say: say
            ).run()
            return
        }

        if forecast {
            try await ForecastBench(
                baseURL: try global.database(), logger: logger, days: forecastDays, parks: forecastParks,
                attractions: forecastAttractions, seed: forecastSeed, python: try LightGBMTrainer.locatePython(explicit: python), say: say
            ).run()
            return
        }

        if predictions {
            try await PredictionsBench(
                kafka: try global.kafkaConfig(), baseURL: try global.database(), logger: logger, events: events,
                python: try LightGBMTrainer.locatePython(explicit: python), say: say
            ).run()
            return
        }

        if parking {
            try await ParkingBench(
                kafka: try global.kafkaConfig(), baseURL: try global.database(), logger: logger, events: events,
                latencyRate: latencyRate ?? 2_000, latencySeconds: latencySeconds, say: say
            ).run()
            return
        }

        // Inputs: wait-time observations of many attractions (the raw topic's traffic).
        let simulator = ParkSimulator(.init(seed: 99, parks: 10, attractionsPerPark: 30))
        let envelopes = Array(simulator.lazy.filter { $0.type == WaitTimeObserved.eventType }.prefix(events))
        let encoded = envelopes.map { $0.encoded() }
        say("events", "\(envelopes.count) (avg \(encoded.reduce(0) { $0 + $1.count } / max(1, encoded.count)) bytes)")

        // 1. Decode + validate (+ fold), one core, no I/O.
        say("decode+validate (1 core)", Self.rate(Self.measureDecode(encoded, topics: topics)))
        say("fold alone, inputs decoded beforehand (1 core)", Self.rate(Self.measureFoldAlone(encoded, topics: topics)))
        let foldRate = Self.measureFold(encoded, topics: topics)
        say("decode+validate+fold (1 core)", Self.rate(foldRate))
        if foldOnly { return }
        let kafka = try global.kafkaConfig()
        let baseURL = try global.database()

        // Scratch topics and database.
        let scratch = try BenchScratch(id: id, kafka: kafka, baseURL: baseURL, logger: logger)
        defer { scratch.remove() }
        let databaseURL = scratch.databaseURL

        // 2. Produce the raw events (the pipeline reads them from the broker).
        let producer = try KafkaProducer(config: kafka, logger: logger)
        let router = RawEventRouter(topics: topics)
        let messages = try envelopes.map { EventPublisher.message(try router.route($0)) }
        let produceStart = ContinuousClock.now
        for chunk in stride(from: 0, to: messages.count, by: 20_000) {
            _ = try await producer.send(Array(messages[chunk..<min(chunk + 20_000, messages.count)]))
        }
        say("raw produce (librdkafka, idempotent, lz4)", Self.rate(Double(messages.count) / (ContinuousClock.now - produceStart).seconds))

        // 3. Raw consume of the same records.
        let consumeRate = try await BlockingThread.run(name: "bench-consume") {
            try Self.measureConsume(topic: topics[.parksWaitTimes], count: messages.count, kafka: kafka, group: "bench-\(id)-raw", logger: logger)
        }
        say("raw consume (librdkafka)", Self.rate(consumeRate))

        // 4. Raw binary COPY of the same rows into a hypertable shaped like wait_times.
        let copyRate = try await BlockingThread.run(name: "bench-copy") {
            try Self.measureCopy(envelopes, databaseURL: databaseURL, batch: 5_000)
        }
        say("raw binary COPY (hypertable, 5000-row batches)", Self.rate(copyRate))

        // 5. End to end, then 6. latency at a fixed rate, with the same running processor.
        var settings = ProcessorSettings(
            databaseURL: databaseURL, kafka: kafka, groupPrefix: "bench-\(id)", maxBatch: 5_000,
            deadLetterTopic: topics[.parksDeadLetters])
        settings.batchLingerMs = batchLingerMs
        let relay = OutboxRelay(databaseURL: databaseURL, kafka: kafka, table: RuntimeTables().outbox, logger: logger)
        let probe = LatencyProbe()
        let worker = ProjectionDefinition.parksWaitTimes.worker(topics: topics, settings: settings, logger: logger) {
            ingest, polled, committed in probe.record(ingest, polledAt: polled, committedAt: committed)
        }
        let workerTask = Task { try await BlockingThread.run(name: "bench-worker") { try worker.run() } }
        let relayTask = Task { try await BlockingThread.run(name: "bench-relay") { try relay.run() } }
        let session = try PGSession.connect(url: databaseURL)
        defer { session.close() }
        func folded() throws -> Int64 {
            try session.execute("SELECT coalesce(sum(next_offset),0)::bigint FROM \(RuntimeTables().offsets) WHERE topic = $1", [.text(topics[.parksWaitTimes])]).int(0, 0) ?? 0
        }
        // Timed from the first commit (group join excluded) to the last record folded.
        while probe.firstCommit == nil { try await Task.sleep(for: .milliseconds(5)) }
        let e2eStart = probe.firstCommit!
        let firstBatch = probe.count
        while try folded() < Int64(messages.count) { try await Task.sleep(for: .milliseconds(20)) }
        let e2eSeconds = Double(probe.lastCommit! - e2eStart) / 1e6
        let e2eRate = Double(messages.count - firstBatch) / max(e2eSeconds, 1e-9)
        say("end to end: broker → fold → TimescaleDB (effectively once)", Self.rate(e2eRate))
        say("  ratio to the lower raw rate (consume, COPY)", String(format: "%.2f", e2eRate / min(consumeRate, copyRate)))
        say("  ratio to decode+fold", String(format: "%.2f", e2eRate / foldRate))

        probe.reset()
        let latencyRate = self.latencyRate ?? 5_000
        let latencyEvents = Int(latencyRate * latencySeconds)
        let live = ParkSimulator(.init(seed: 100, parks: 10, attractionsPerPark: 30, start: Timestamp(iso8601: "2024-07-01")!))
        _ = try await SimulationRunner(publisher: EventPublisher(producer: producer, router: router))
            .run(live.lazy.filter { $0.type == WaitTimeObserved.eventType }.prefix(latencyEvents), rate: latencyRate)
        let target = Int64(messages.count + latencyEvents)
        while try folded() < target { try await Task.sleep(for: .milliseconds(20)) }
        let latencies = probe.sorted()
        let toPoll = probe.sortedToPoll()
        func pct(_ sorted: [Int64], _ p: Double) -> String {
            guard !sorted.isEmpty else { return "-" }
            return String(format: "%.1f ms", Double(sorted[min(sorted.count - 1, Int(p * Double(sorted.count)))]) / 1000)
        }
        say("latency produce→visible at \(Int(latencyRate))/s, p50", pct(latencies, 0.5))
        say("latency produce→visible at \(Int(latencyRate))/s, p99", pct(latencies, 0.99))
        say("  of which produce→polled by the processor, p50 / p99", "\(pct(toPoll, 0.5)) / \(pct(toPoll, 0.99))")
        say("  samples", "\(latencies.count)")

        worker.stop()
        relay.stop()
        _ = try await workerTask.value
        _ = try await relayTask.value

        // 7. The machine's speed drifts between phases (raw COPY 127–272 k/s from run to run here): the same
        // COPY measured again once the pipeline is done shows how far within this run. The ratio above stays
        // against the first measure; this one is printed beside it, not instead.
        let copyAgain = try await BlockingThread.run(name: "bench-copy") {
            try Self.measureCopy(envelopes, databaseURL: databaseURL, batch: 5_000)
        }
        say("raw binary COPY again, after the pipeline (drift check)", Self.rate(copyAgain))
        say("  end to end ÷ that COPY", String(format: "%.2f", e2eRate / copyAgain))
        producer.close()
    }

    static func rate(_ perSecond: Double) -> String {
        perSecond >= 1_000_000 ? String(format: "%.2f M/s", perSecond / 1e6) : String(format: "%.1f k/s", perSecond / 1e3)
    }

    static func measureDecode(_ encoded: [[UInt8]], topics: TopicNames) -> Double {
        let projection = WaitTimesProjection(topics: topics)
        var decoded = 0
        let start = ContinuousClock.now
        for bytes in encoded {
            guard let envelope = try? EventEnvelope.decode(bytes), (try? projection.decode(envelope)) != nil else { continue }
            decoded += 1
        }
        let seconds = (ContinuousClock.now - start).seconds
        precondition(decoded == encoded.count)
        return Double(encoded.count) / seconds
    }

    /// The processor's batch size: the benches fold in batches of it, as the worker does.
    static let foldBatch = 5_000

    static func measureFoldAlone(_ encoded: [[UInt8]], topics: TopicNames) -> Double {
        let projection = WaitTimesProjection(topics: topics)
        let inputs = encoded.compactMap { bytes in
            (try? EventEnvelope.decode(bytes)).flatMap { try? projection.decode($0) }
        }.map { (key: projection.stateKey(of: $0), input: $0) }
        // Last batch first: popped in order below, each moved into the fold as the worker moves its own.
        var batches = stride(from: 0, to: inputs.count, by: foldBatch).reversed().map { Array(inputs[$0..<min($0 + foldBatch, inputs.count)]) }
        var states: [String: AttractionState] = [:]
        var rows = 0
        // The worker hands each batch's output to its committer and folds the next meanwhile: the output of
        // the previous batch stays alive during a fold here too (so copy-on-write costs are counted).
        var previous = FoldedBatch<AttractionState, WaitTimesRow>()
        let start = ContinuousClock.now
        while let batch = batches.popLast() {
            let folded = projection.fold(batch: batch, states: &states)
            rows += folded.rows.count + folded.derived.count
            previous = folded
        }
        let seconds = (ContinuousClock.now - start).seconds
        precondition(rows > 0 && !previous.rows.isEmpty)
        return Double(inputs.count) / seconds
    }

    /// Decode, validate and fold as the worker does it: batches of inputs, then the batch fold.
    static func measureFold(_ encoded: [[UInt8]], topics: TopicNames) -> Double {
        let projection = WaitTimesProjection(topics: topics)
        var states: [String: AttractionState] = [:]
        var rows = 0
        var previous = FoldedBatch<AttractionState, WaitTimesRow>()
        let start = ContinuousClock.now
        for chunk in stride(from: 0, to: encoded.count, by: foldBatch) {
            var inputs: [(key: String, input: WaitTimesProjection.Input)] = []
            inputs.reserveCapacity(foldBatch)
            for bytes in encoded[chunk..<min(chunk + foldBatch, encoded.count)] {
                guard let envelope = try? EventEnvelope.decode(bytes), let input = try? projection.decode(envelope) else { continue }
                inputs.append((projection.stateKey(of: input), input))
            }
            let folded = projection.fold(batch: consume inputs, states: &states)
            rows += folded.rows.count + folded.derived.count
            previous = folded
        }
        let seconds = (ContinuousClock.now - start).seconds
        precondition(rows > 0 && !previous.rows.isEmpty)
        return Double(encoded.count) / seconds
    }

    static func measureConsume(topic: String, count: Int, kafka: KafkaConfig, group: String, logger: Logger) throws -> Double {
        let consumer = try KafkaConsumer(config: kafka, groupID: group, rebalance: StartAtBeginning(), logger: logger)
        defer { consumer.close() }
        try consumer.subscribe([topic])
        var seen = 0
        var start: ContinuousClock.Instant?
        // The records reach the caller as the pipeline's worker gets them: one buffer per poll.
        var batch = KafkaRecordBatch()
        while seen < count {
            batch.removeAll()
            try consumer.poll(into: &batch, maxRecords: 10_000, timeoutMs: 100)
            if start == nil, !batch.isEmpty { start = .now }
            seen += batch.count
        }
        return Double(count) / (ContinuousClock.now - start!).seconds
    }

    /// - Parameter indexes: with wait_times' indexes (the live projection's table), or with none (a rebuild's
    ///   table during its bulk load, its secondary indexes deferred).
    static func measureCopy(_ envelopes: [EventEnvelope], databaseURL: String, batch: Int, indexes: Bool = true) throws -> Double {
        let s = try PGSession.connect(url: databaseURL)
        defer { s.close() }
        _ = try s.execute("CREATE TABLE bench_copy (LIKE wait_times INCLUDING ALL\(indexes ? "" : " EXCLUDING INDEXES"))")
        if try s.execute("SELECT 1 FROM pg_extension WHERE extname = 'timescaledb'").rowCount > 0 {
            _ = try s.execute(
                "SELECT create_hypertable('bench_copy', 'time', chunk_time_interval => interval '1 day', create_default_indexes => \(indexes))")
        }
        let observations = envelopes.compactMap { e in (try? e.decode(WaitTimeObserved.self)).map { (e.eventTime, $0) } }
        let start = ContinuousClock.now
        for chunk in stride(from: 0, to: observations.count, by: batch) {
            var w = PGBinaryCopyWriter(reservingCapacity: batch * 64)
            for (time, o) in observations[chunk..<min(chunk + batch, observations.count)] {
                w.beginRow(columns: 5)
                w.timestamptz(microsecondsSinceUnixEpoch: time.microseconds)
                w.text(o.parkID)
                w.text(o.attractionID)
                if let m = o.waitMinutes { w.int32(Int32(m)) } else { w.null() }
                w.text(o.status.rawValue)
            }
            try s.transaction { tx in _ = try tx.copyIn("COPY bench_copy (time, park_id, attraction_id, wait_minutes, status) FROM STDIN (FORMAT binary)", data: w.finish()) }
        }
        let rate = Double(observations.count) / (ContinuousClock.now - start).seconds
        _ = try s.execute("DROP TABLE bench_copy")
        return rate
    }
}

/// Collects produce→commit latencies reported by the worker's commit hook.
final class LatencyProbe: Sendable {
    private struct State {
        var latencies: [Int64] = []
        var toPoll: [Int64] = []
        var count = 0
        var firstCommit: Int64?
        var lastCommit: Int64?
    }
    private let state = Mutex(State())

    func record(_ ingest: [Int64], polledAt: Int64, committedAt: Int64) {
        state.withLock { s in
            if s.firstCommit == nil { s.firstCommit = committedAt }
            // Several workers may report: the latest commit of any.
            s.lastCommit = max(s.lastCommit ?? committedAt, committedAt)
            s.count += ingest.count
            for t in ingest {
                s.latencies.append(committedAt - t)
                s.toPoll.append(polledAt - t)
            }
        }
    }

    func reset() { state.withLock { $0 = State() } }
    var firstCommit: Int64? { state.withLock { $0.firstCommit } }
    var lastCommit: Int64? { state.withLock { $0.lastCommit } }
    var count: Int { state.withLock { $0.count } }
    func sorted() -> [Int64] { state.withLock { $0.latencies.sorted() } }
    func sortedToPoll() -> [Int64] { state.withLock { $0.toPoll.sorted() } }
}
