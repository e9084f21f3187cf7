import Events
import Forecasting
import Foundation
import Ingest
import Kafka
import Logging
import Postgres
import Processor
import Projections
import Registry
import Training

/// The serving cost of the wait forecasts: the parks pipeline end to end (broker → folds → TimescaleDB, effectively
/// once, relay running) over the same simulated events, without the forecasts (`parks_wait_times`, `parks_crowd`,
/// `parks_weather`) and with them (and `parks_attraction_context`, `parks_wait_predictions`, `parks_crowd_forecast`),
/// forecasting every 5 minutes (every reading) and every 15, and every 5 with a one-leaf model (what the events and
/// rows cost without the trees), alternated twice in one run. The forecasts serve the
/// largest model `train parks` makes with its defaults: no early stopping, so 600 trees of up to 63 leaves per
/// horizon, trained here on a short simulated history.
struct PredictionsBench {
    let kafka: KafkaConfig
    let baseURL: String
    let logger: Logger
    let events: Int
    let python: String
    let say: (String, String) -> Void

    static let without: [ProjectionDefinition] = [.parksWaitTimes, .parksCrowd, .parksWeather]
    static func with(everyMinutes minutes: Int) -> [ProjectionDefinition] {
        without + [.parksAttractionContext, predictions(everyMinutes: minutes), .parksCrowdForecast]
    }

    /// `parks_wait_predictions` forecasting an attraction at most every `minutes` (what
    /// `TURNSTILE_FORECAST_EVERY_MINUTES` sets for `turnstile process`).
    static func predictions(everyMinutes minutes: Int) -> ProjectionDefinition {
        let standard = ProjectionDefinition.parksWaitPredictions
        return ProjectionDefinition(
            summary: standard.summary, derivedTopics: standard.derivedTopics, deadLetterTopic: standard.deadLetterTopic, tables: standard.tables,
            store: { topics, placement in
                WaitPredictionsStore(projection: WaitPredictionsProjection(topics: topics, intervalMinutes: minutes), placement: placement)
            },
            routes: nil)
    }

    func run() async throws {
        let model = try await train()
        ForecastModels.shared.replace(with: ForecastChain(active: .init(version: 1, model: model)))

        // A live-like stream: 10 parks × 30 attractions, their schedules and hourly weather.
        let simulator = ParkSimulator(.init(seed: 99, parks: 10, attractionsPerPark: 30, weather: true))
        let envelopes = Array(simulator.prefix(events))
        let readings = envelopes.filter { $0.type == WaitTimeObserved.eventType }.count
        say("events (10 parks × 30 rides, schedules, weather)", "\(envelopes.count), of which readings \(readings)")

        // The forecasts' folds alone, one core, no I/O: what the pipeline with them can reach at most.
        let topics = TopicNames(prefix: "bench-fold.")
        let predictions = WaitPredictionsProjection(topics: topics, intervalMinutes: 5, models: ForecastModels.shared)
        var inputs: [(key: String, input: WaitPredictionsProjection.Input)] = []
        for e in envelopes where e.type == WaitTimeObserved.eventType {
            let input = try predictions.decode(e)
            inputs.append((predictions.stateKey(of: input), input))
        }
        var states: [String: AttractionForecastState] = [:]
        var outlooks: [EventEnvelope] = []
        let foldStart = ContinuousClock.now
        for chunk in stride(from: 0, to: inputs.count, by: BenchCommand.foldBatch) {
            let folded = predictions.fold(batch: Array(inputs[chunk..<min(chunk + BenchCommand.foldBatch, inputs.count)]), states: &states)
            for d in folded.derived where d.payload is AttractionOutlookUpdated { outlooks.append(try d.envelope()) }
        }
        let predictRate = Double(inputs.count) / (ContinuousClock.now - foldStart).seconds
        say("parks_wait_predictions fold alone (1 core, readings/s)", BenchCommand.rate(predictRate))
        let crowd = CrowdForecastProjection(topics: topics)
        let crowdInputs = try outlooks.map { e in let input = try crowd.decode(e); return (key: crowd.stateKey(of: input), input: input) }
        var crowdStates: [String: ParkCrowdForecastState] = [:]
        let crowdStart = ContinuousClock.now
        _ = crowd.fold(batch: crowdInputs, states: &crowdStates)
        say("parks_crowd_forecast fold alone (1 core, outlooks/s)", BenchCommand.rate(Double(crowdInputs.count) / (ContinuousClock.now - crowdStart).seconds))

        // Readings come every 5 minutes: forecasting every 5 makes every reading a round, every 15 one in three. A
        // one-leaf model beside them: the forecasts' events and rows without their trees, what the trees cost apart.
        let served = ForecastModels.shared.chain
        let oneLeaf = ForecastChain(active: .init(version: 1, model: Self.oneLeafModel()))
        let variants: [(label: String, minutes: Int, chain: ForecastChain)] = [
            ("every 5 min", 5, served), ("every 15 min", 15, served), ("every 5 min (1-leaf)", 5, oneLeaf),
        ]
        var ratios: [String: [Double]] = [:]
        for round in 1...2 {
            let plain = try await phase(Self.without, envelopes, readings: readings)
            say("round \(round): end to end without forecasts (readings/s)", BenchCommand.rate(plain))
            for variant in variants {
                ForecastModels.shared.replace(with: variant.chain)
                let forecasting = try await phase(Self.with(everyMinutes: variant.minutes), envelopes, readings: readings)
                say("round \(round): with forecasts \(variant.label) (readings/s)", BenchCommand.rate(forecasting))
                say("  ratio with ÷ without (bar ≥ 0.9)", String(format: "%.2f", forecasting / plain))
                ratios[variant.label, default: []].append(forecasting / plain)
            }
        }
        ForecastModels.shared.replace(with: served)
        for variant in variants {
            let values = ratios[variant.label] ?? []
            say("mean ratio with forecasts \(variant.label) ÷ without", String(format: "%.2f", values.reduce(0, +) / Double(values.count)))
        }
    }

    /// A model of one leaf per horizon (a constant): serving it costs nothing but the forecasts' events and rows.
    static func oneLeafModel() -> WaitForecastModel {
        let tree = DecisionTree(nodes: [], leaves: [20])
        let booster = BoostedTreesModel(featureNames: WaitFeatures.names, trees: [tree], objective: .identity)
        return WaitForecastModel(boosters: Dictionary(uniqueKeysWithValues: WaitFeatures.horizons.map { ($0, booster) }))
    }

    /// The model the forecasts serve: fitted on three weeks of 10 attractions without a validation part (so without
    /// early stopping: every round of the 600 is kept).
    func train() async throws -> WaitForecastModel {
        let id = String(UUID().uuidString.prefix(6)).lowercased()
        let database = try ScratchDatabase(
            baseURL: baseURL, name: "turnstile_bench_\(id)", migrationsDirectory: defaultDirectory("projections/migrations"), logger: logger)
        defer { database.drop() }
        let (python, logger) = (python, logger)
        let result = try await BlockingThread.run(name: "bench-train") {
            let session = try PGSession.connect(url: database.url, logger: logger)
            defer { session.close() }
            _ = try ForecastBench.writeHistory(days: 21, parks: 2, attractions: 5, seed: 7, session: session)
            var settings = WaitModelTraining.Settings()
            settings.validationFraction = 0
            settings.parameters.seed = 7
            let training = WaitModelTraining(
                settings: settings, reader: WaitHistoryReader(tables: TablePlacement.live), trainer: LightGBMTrainer(python: python))
            return try training.run(incumbent: nil, session: session) { _ in }
        }
        let trees = WaitFeatures.horizons.map { result.model.boosters[$0]?.trees.count ?? 0 }
        say("served model (trained here in \(String(format: "%.0f", result.totalSeconds)) s)", "trees per horizon \(trees.map(String.init).joined(separator: " / "))")
        return result.model
    }

    /// The projections `definitions` over `envelopes` in fresh topics and database: readings per second from the first
    /// commit to the last, once every raw record is folded, the outbox empty and the derived topics read
    /// (nothing committed for 3 s).
    func phase(_ definitions: [ProjectionDefinition], _ envelopes: [EventEnvelope], readings: Int) async throws -> Double {
        let id = String(UUID().uuidString.prefix(6)).lowercased()
        let scratch = try BenchScratch(id: id, kafka: kafka, baseURL: baseURL, logger: logger)
        defer { scratch.remove() }
        let topics = scratch.topics
        let producer = try KafkaProducer(config: kafka, logger: logger)
        defer { producer.close() }
        let router = RawEventRouter(topics: topics)
        var produced: [String: Int64] = [:]
        let messages = try envelopes.map { e in
            let routed = try router.route(e)
            produced[routed.topic, default: 0] += 1
            return EventPublisher.message(routed)
        }
        for chunk in stride(from: 0, to: messages.count, by: 20_000) {
            _ = try await producer.send(Array(messages[chunk..<min(chunk + 20_000, messages.count)]))
        }

        let settings = ProcessorSettings(
            databaseURL: scratch.databaseURL, kafka: kafka, groupPrefix: "bench-\(id)", maxBatch: 5_000,
            deadLetterTopic: topics[.parksDeadLetters])
        let probe = LatencyProbe()
        let runners: [any BlockingRunner] = definitions.map { d in
            d.worker(topics: topics, settings: settings, logger: logger) { ingest, polled, committed in
                probe.record(ingest, polledAt: polled, committedAt: committed)
            }
        } + [OutboxRelay(databaseURL: scratch.databaseURL, kafka: kafka, table: RuntimeTables().outbox, logger: logger)]
        let tasks = runners.map { runner in Task { try await BlockingThread.run(name: "bench-\(runner.name)") { try runner.run() } } }
        defer { for runner in runners { runner.stop() } }

        let db = try PGSession.connect(url: scratch.databaseURL)
        defer { db.close() }
        func rawFolded() throws -> Bool {
            for d in definitions {
                for topic in d.inputTopics.map({ topics[$0] }) {
                    guard let count = produced[topic] else { continue }
                    let folded = try db.execute(
                        "SELECT coalesce(sum(next_offset), 0)::bigint FROM \(RuntimeTables().offsets) WHERE projection = $1 AND topic = $2",
                        [.text(d.name), .text(topic)]).int(0, 0) ?? 0
                    guard folded >= count else { return false }
                }
            }
            return try db.execute("SELECT count(*) FROM \(RuntimeTables().outbox)").int(0, 0) == 0
        }
        while probe.firstCommit == nil { try await Task.sleep(for: .milliseconds(5)) }
        var quietSince = ContinuousClock.now, last = probe.lastCommit
        while true {
            try await Task.sleep(for: .milliseconds(100))
            if probe.lastCommit != last { (last, quietSince) = (probe.lastCommit, .now); continue }
            if ContinuousClock.now - quietSince >= .seconds(3), try rawFolded() { break }
        }
        let seconds = Double(probe.lastCommit! - probe.firstCommit!) / 1e6
        for runner in runners { runner.stop() }
        for task in tasks { _ = try await task.value }
        return Double(readings) / max(seconds, 1e-9)
    }
}
