import Events
import Forecasting
import Foundation
import Hummingbird
import HummingbirdTesting
import Ingest
import Postgres
import Processor
import Projections
@testable import QueryService
import TestSupport
import Testing
import Training

/// `train parks`' path on the real stack: simulated days through the parks pipeline into TimescaleDB, then the
/// history read back, LightGBM fitted in the project's Python environment, the trees evaluated in Swift (equal
/// to the library's predictions), the model stored in the registry; the same seed gives the same bytes; a worse
/// model is refused; retiring leaves the previous model to the fallback chain.
@Suite("ForecastTrainingTests", .enabled(if: TestStack.enabled), .serialized)
struct ForecastTrainingTests {
    static var python: String {
        get throws {
            let tools = TestStack.environment["TURNSTILE_TOOLS"] ?? TestStack.repository + "/.tools"
            let python = tools + "/venv/bin/python"
            try #require(FileManager.default.isExecutableFile(atPath: python), "no \(python): run ops/install (it installs LightGBM)")
            return python
        }
    }

    static func training(rounds: Int, python: String) -> WaitModelTraining {
        var settings = WaitModelTraining.Settings()
        settings.holdoutFraction = 0.25
        settings.parameters.rounds = rounds
        settings.parameters.minDataInLeaf = 50
        settings.parameters.seed = 5
        return WaitModelTraining(settings: settings, reader: WaitHistoryReader(tables: TablePlacement.live), trainer: LightGBMTrainer(python: python))
    }

    @Test func trainsOnTheProjectedHistoryRegistersAndRefusesAWorseModel() async throws {
        let python = try Self.python
        let ns = try TestNamespace.make()
        defer { ns.drop() }
        // Three weeks of two parks (the second re-stamps zeros overnight), four rides each, with their weather feeds.
        let simulator = ParkSimulator(.init(seed: 8, parks: 2, attractionsPerPark: 4, weather: true))
        let end = simulator.configuration.start.adding(seconds: 21 * 86_400)
        let events = Array(simulator.prefix { $0.eventTime < end })
        let expected = ExpectedParks(events)
        let produced = try await PipelineRun.produce(events, ns: ns)
        let s = try ns.session()
        defer { s.close() }
        let done = try await PipelineRun.runInProcess(ns: ns, timeout: .seconds(240)) {
            try await PipelineRun.caughtUp(s, ns: ns, produced: produced, expected: expected)
                && PipelineRun.folded(s, projection: "parks_weather", topic: ns.topics[.parksWeather]) == Int64(produced[ns.topics[.parksWeather]] ?? -1)
        }
        try #require(done, "the pipeline did not catch up")
        // Every weather report folded (observations and forecasts), and each park's weather now.
        let reports = events.filter { $0.type == ParkWeatherHour.eventType }.count
        #expect(try s.execute("SELECT count(*) FROM park_weather").int(0, 0) == Int64(reports))
        #expect(try s.execute("SELECT count(*) FROM park_weather_current WHERE hour IS NOT NULL").int(0, 0) == 2)

        let url = ns.databaseURL
        let (first, again) = try await BlockingThread.run(name: "train") {
            let session = try PGSession.connect(url: url)
            defer { session.close() }
            let training = Self.training(rounds: 40, python: python)
            return (try training.run(incumbent: nil, session: session) { _ in }, try training.run(incumbent: nil, session: session) { _ in })
        }
        #expect(first.attractions == 8)
        #expect(first.parityMaxDifference <= 1e-6)
        #expect(first.evaluation.horizons.map(\.minutes) == WaitFeatures.horizons)
        #expect(first.evaluation.horizons.allSatisfy { $0.rows > 100 && $0.model.mae > 0 })
        #expect(first.rows[.train, default: 0] > first.rows[.holdout, default: 0])
        #expect(first.bundle == again.bundle, "the same seed and window give the same model")
        #expect(first.split % 86_400_000_000 == 0, "the holdout starts on a day boundary")

        // Registered and activated (nothing was active); a 1-round model scored against it is refused.
        let registry = ModelRegistry()
        let (version, worse, worseVersion) = try await BlockingThread.run(name: "registry") {
            let session = try PGSession.connect(url: url)
            defer { session.close() }
            let version = try registry.register(Self.registered(first), session: session)
            #expect(ModelActivationRule.decide(trained: first.evaluation) == .activate)
            try registry.activate(version, session: session)
            let incumbent = try WaitForecastModel(bundle: try #require(try registry.served(kind: RegisteredModel.parksWaitTimes, session: session).active).model)
            let worse = try Self.training(rounds: 1, python: python).run(incumbent: (version, incumbent), session: session) { _ in }
            let worseVersion = try registry.register(Self.registered(worse), session: session)
            return (version, worse, worseVersion)
        }
        #expect(worse.evaluation.incumbentVersion == version)
        #expect(worse.evaluation.incumbentMeanMAE.map { abs($0 - first.evaluation.meanMAE) < 1e-9 } == true,
                "the incumbent scored on the same rows as at its own training")
        guard case .refuse = ModelActivationRule.decide(trained: worse.evaluation) else {
            Issue.record("a 1-round model beat a 40-round one: \(worse.evaluation.meanMAE) vs \(first.evaluation.meanMAE)")
            return
        }

        try await BlockingThread.run(name: "registry") {
            let session = try PGSession.connect(url: url)
            defer { session.close() }
            let listed = try registry.list(session: session)
            #expect(listed.map(\.version) == [worseVersion, version])
            #expect(listed.map(\.status) == [.candidate, .active])
            #expect(listed.allSatisfy { $0.model.isEmpty && $0.features == WaitFeatures.names })
            let stored = try #require(try registry.find(version, session: session))
            #expect(stored.model == first.bundle)
            #expect(try WaitModelEvaluation(json: stored.metrics) == first.evaluation)
            // Forcing the worse one in retires the first, which becomes the previous model; retiring it leaves none active.
            try registry.activate(worseVersion, session: session)
            var served = try registry.served(kind: RegisteredModel.parksWaitTimes, session: session)
            #expect(served.active?.version == worseVersion && served.previous?.version == version)
            try registry.retire(worseVersion, session: session)
            served = try registry.served(kind: RegisteredModel.parksWaitTimes, session: session)
            #expect(served.active == nil && served.previous?.version == worseVersion)
            #expect(throws: (any Error).self) { try registry.activate(999, session: session) }
        }

        // The commands: train (a candidate, JSON), list, show, activate (nothing active: it may), refuse a worse one.
        try await BlockingThread.run(name: "cli") {
            let python = ["--python", python]
            let trained = try Self.cli(["train", "parks", "--seed", "5", "--rounds", "20", "--no-activate", "--json", "--progress", "none"] + python, ns: ns)
            try #require(trained.status == 0, "train failed: \(trained.err.suffix(2_000))")
            let model = try JSONParser.parse(Array(trained.out.utf8))
            let version = try #require(model["version"]?.int64Value)
            #expect(model["status"]?.stringValue == "candidate" && model["metrics"]?["horizons"]?.arrayValue?.count == 4)
            let listed = try Self.cli(["models", "list", "--json"], ns: ns)
            #expect(listed.status == 0 && listed.out.split(separator: "\n").count == 3)
            let table = try Self.cli(["models", "list"], ns: ns)
            #expect(table.out.hasPrefix("VERSION") && table.out.contains("candidate"))
            let activated = try Self.cli(["models", "activate", String(version)], ns: ns)
            #expect(activated.status == 0 && activated.out.contains("model \(version) is active"), "\(activated.err.suffix(2_000))")
            let shown = try Self.cli(["models", "show", String(version)], ns: ns)
            #expect(shown.out.contains("model \(version) (parks_wait_times): active") && shown.out.contains("PERSISTENCE"))
            // A 1-round model against it, scored again on the same holdout: refused, and says why.
            let worse = try Self.cli(["train", "parks", "--seed", "5", "--rounds", "1", "--no-activate", "--json", "--progress", "none"] + python, ns: ns)
            let worseVersion = try #require(try JSONParser.parse(Array(worse.out.utf8))["version"]?.int64Value)
            let refused = try Self.cli(["models", "activate", String(worseVersion)], ns: ns)
            #expect(refused.status != 0 && refused.err.contains("is not below active model \(version)"), "\(refused.out) \(refused.err)")
            let missing = try Self.cli(["models", "show", "999"], ns: ns)
            #expect(missing.status != 0 && missing.err.contains("there is no model 999"))
        }
    }

    /// Predictions in the stream: the park's schedules and weather re-keyed to its attractions, every attraction
    /// forecast by the model the registry serves (to a `turnstile process` child, as deployed: nothing in this
    /// process's fallback chain is touched, so the in-process rebuilds of other tests are not either), each
    /// prediction scored once when its target time's reading arrives, the derived events on their topic, and the
    /// parks' crowd forecasts for the rest of the day from the predicted waits.
    @Test func predictionsFlowFromReadingsThroughTheServedModel() async throws {
        let ns = try TestNamespace.make()
        defer { ns.drop() }
        let simulator = ParkSimulator(.init(seed: 9, parks: 2, attractionsPerPark: 3, weather: true))
        let end = simulator.configuration.start.adding(seconds: 2 * 86_400)
        let events = Array(simulator.prefix { $0.eventTime < end })
        let expected = ExpectedParks(events)
        let s = try ns.session()
        defer { s.close() }
        // A bundle of one-leaf models answers every horizon with 33 minutes; the processor serves it before any
        // reading is produced.
        let served = try ModelWatcherTests.register(Self.constantBundle(33), session: s)
        try ModelRegistry().activate(served, session: s)
        let processor = try ProcessorProcess(ns: ns, name: "predictions")
        defer { _ = processor.terminate() }
        let serving = try await eventually(timeout: .seconds(60)) { processor.log.contains("serving wait models") }
        try #require(serving, "the processor did not load the model; log: \(processor.log.suffix(2_000))")
        let produced = try await PipelineRun.produce(events, ns: ns)
        let readings = Int64(produced[ns.topics[.parksWaitTimes]] ?? -1)
        let done = try await eventually(timeout: .seconds(240)) {
            guard try await PipelineRun.caughtUp(s, ns: ns, produced: produced, expected: expected),
                  try PipelineRun.folded(s, projection: "parks_wait_predictions", topic: ns.topics[.parksWaitTimes]) == readings,
                  try PipelineRun.folded(s, projection: "parks_attraction_context", topic: ns.topics[.parksWeather])
                      == Int64(produced[ns.topics[.parksWeather]] ?? -1),
                  try s.execute("SELECT count(*) FROM turnstile_outbox").int(0, 0) == 0 else { return false }
            let context = try await TopicReader.readAll(ns.topics[.parksAttractionContext], ns: ns, quiet: .seconds(1)).count
            let outlooks = try await TopicReader.readAll(ns.topics[.parksAttractionOutlooks], ns: ns, quiet: .seconds(1)).count
            return try PipelineRun.folded(s, projection: "parks_wait_predictions", topic: ns.topics[.parksAttractionContext]) == Int64(context)
                && PipelineRun.folded(s, projection: "parks_crowd_forecast", topic: ns.topics[.parksAttractionOutlooks]) == Int64(outlooks)
        }
        try #require(done, "the pipeline did not catch up; log: \(processor.log.suffix(2_000))")
        let predictions = try s.execute(
            "SELECT count(*), count(DISTINCT (park_id, attraction_id)), min(source), max(source), min(model_version) FROM wait_predictions")
        let made = try predictions.int(0, 0) ?? 0, attractions = try predictions.int(0, 1), version = try predictions.int(0, 4)
        #expect(made > 100 && attractions == 6 && version == Int64(served))
        #expect(predictions.string(0, 2) == "active_model" && predictions.string(0, 3) == "active_model")
        // Every error belongs to one prediction, once; its actual is the reading at the target time.
        let errors = try s.execute(
            """
            SELECT count(*), count(DISTINCT (park_id, attraction_id, made_at, horizon_minutes)), min(predicted_minutes), max(abs_error - abs(predicted_minutes - actual_minutes))
              FROM forecast_errors
            """)
        let scored = try errors.int(0, 0) ?? 0, distinct = try errors.int(0, 1)
        let predicted = try errors.double(0, 2), mismatch = try errors.double(0, 3)
        #expect(scored > 50 && distinct == scored && predicted == 33 && mismatch == 0)
        // The park's schedules and weather reached every attraction's state.
        let context = try s.execute(
            "SELECT count(*) FROM wait_prediction_state WHERE jsonb_array_length(state->'hours') > 0 AND jsonb_array_length(state->'weather') > 0")
        let informed = try context.int(0, 0)
        #expect(informed == 6)
        let published = try await TopicReader.readAll(ns.topics[.parksWaitPredictions], ns: ns, quiet: .seconds(1))
        let ids = Set(try published.map { try EventEnvelope.decode($0.value).id })
        #expect(Int64(ids.count) == made)

        // The crowd forecast for the rest of the day: each park's newest one is made at its newest outlook, every
        // hour forecast once kept with its last forecast, and the forecasts published.
        let outlooks = try await TopicReader.readAll(ns.topics[.parksAttractionOutlooks], ns: ns, quiet: .seconds(1)).map {
            try EventEnvelope.decode($0.value).decode(AttractionOutlookUpdated.self)
        }
        let newestOutlook = try #require(outlooks.filter { $0.parkID == "sim-1" }.map(\.madeAt).max())
        let current = try s.execute("SELECT made_at, jsonb_array_length(forecast->'hours') FROM crowd_forecast_current WHERE park_id = 'sim-1'")
        #expect(try current.timestamp(0, 0) == newestOutlook.microseconds)
        let crowd = try s.execute(
            "SELECT count(*), count(DISTINCT hour), max(attractions) FROM crowd_forecasts WHERE park_id = 'sim-1' AND made_at <= $1",
            [.timestamp(newestOutlook.microseconds)])
        #expect(try (crowd.int(0, 0) ?? 0) > 0 && crowd.int(0, 0) == crowd.int(0, 1) && (crowd.int(0, 2) ?? 0) <= 3)
        let crowdEvents = try await TopicReader.readAll(ns.topics[.parksCrowdForecasts], ns: ns, quiet: .seconds(1)).map {
            try EventEnvelope.decode($0.value).decode(CrowdForecastUpdated.self)
        }
        #expect(Set(crowdEvents.map(\.parkID)) == ["sim-1", "sim-2"])

        // The query service: the 60-minute forecast beside the current waits, the forecast, the live accuracy.
        let pool = PGPool(url: ns.databaseURL, maxConnections: 2)
        let app = buildQueryApplication(QueryService(pool: pool, readiness: { [:] }, metrics: { "" }), logger: TestStack.logger)
        try await app.test(.router) { client in
            func get(_ uri: String) async throws -> JSONValue { try await client.getChecked(uri).1 }
            let waits = try await get("/v1/parks/sim-1/waits")
            let forecasts = (waits["attractions"]?.arrayValue ?? []).compactMap { $0["forecast_60"] }.filter { !$0.isNull }
            #expect(!forecasts.isEmpty && forecasts.allSatisfy { $0["source"] == .string("active_model") && $0["predicted_minutes"]?.doubleValue == 33 })
            let forecast = try await get("/v1/parks/sim-1/attractions/ride-1/forecast")
            #expect(forecast["horizons"]?.arrayValue?.compactMap { $0["horizon_minutes"]?.int64Value } == [15, 30, 60, 120])
            let accuracy = try await get("/v1/parks/sim-1/forecast-accuracy?from=2024-05-19T00:00:00Z&to=2024-05-23T00:00:00Z")
            let lines = accuracy["accuracy"]?.arrayValue ?? []
            #expect(lines.count == 4 && lines.allSatisfy { $0["model_version"]?.int64Value == Int64(served) && ($0["predictions"]?.int64Value ?? 0) > 0 })
            let crowdForecast = try await get("/v1/parks/sim-1/crowd-forecast")
            let hours = crowdForecast["hours"]?.arrayValue ?? []
            let newestHours = try current.int(0, 1), everyHour = try crowd.int(0, 0)
            #expect(crowdForecast["made_at"] == .string(newestOutlook.iso8601) && Int64(hours.count) == newestHours)
            let days = try await get("/v1/parks/sim-1/crowd-forecast?from=2024-05-19T00:00:00Z&to=2024-05-23T00:00:00Z")
            let past = days["hours"]?.arrayValue ?? []
            #expect(Int64(past.count) == everyHour && past.allSatisfy { CrowdLevel(rawValue: $0["level"]?.stringValue ?? "") != nil })
        }
        await pool.close()
    }

    /// A bundle of one-leaf boosters: every row, every horizon, `minutes`.
    static func constantBundle(_ minutes: Double) -> [UInt8] {
        let names = WaitFeatures.names.map { "\"\($0)\"" }.joined(separator: ",")
        let dump = Array("{\"objective\":\"regression\",\"feature_names\":[\(names)],\"tree_info\":[{\"tree_structure\":{\"leaf_value\":\(minutes)}}]}".utf8)
        return WaitForecastModel.bundle(Dictionary(uniqueKeysWithValues: WaitFeatures.horizons.map { ($0, dump) }))
    }

    /// The `turnstile` binary with `arguments` against the namespace's database: exit status, stdout, stderr.
    static func cli(_ arguments: [String], ns: TestNamespace) throws -> (status: Int32, out: String, err: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ProcessorProcess.binary)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["DATABASE_URL"] = ns.databaseURL
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let output = out.fileHandleForReading.readDataToEndOfFile(), errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self), String(decoding: errors, as: UTF8.self))
    }

    static func registered(_ r: WaitModelTraining.Result) -> RegisteredModel {
        RegisteredModel(
            version: 0, kind: RegisteredModel.parksWaitTimes, status: .candidate, createdAt: .now(),
            trainFrom: Timestamp(microseconds: r.from), trainTo: Timestamp(microseconds: r.to),
            holdoutFrom: Timestamp(microseconds: r.split), holdoutTo: Timestamp(microseconds: r.to), seed: 5,
            features: WaitFeatures.names, metrics: r.evaluation.json, trainingSeconds: r.totalSeconds, model: r.bundle)
    }
}
