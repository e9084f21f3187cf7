import Events
import Forecasting
import Foundation
import Postgres
import Processor
import Registry
import Synchronization
import TestSupport
import Testing

/// Processors pick up the registry's changes without a restart: the watcher installs the active and previous
/// models in the fallback chain when an activation commits (NOTIFY), and a model whose bytes cannot be read is
/// left out, so that the chain answers with the next link.
@Suite("ModelWatcherTests", .enabled(if: TestStack.enabled))
struct ModelWatcherTests {
    static func register(_ bytes: [UInt8], session: PGSession) throws -> Int {
        let t = Timestamp(iso8601: "2024-05-20T00:00:00Z")!
        let metrics = WaitModelEvaluation(horizons: [
            .init(minutes: 60, rows: 10, model: .init(mae: 1, p90: 2), persistence: .init(mae: 5, p90: 9), seasonalNaive: .init(mae: 3, p90: 6)),
        ]).json
        return try ModelRegistry().register(
            RegisteredModel(
                version: 0, kind: RegisteredModel.parksWaitTimes, status: .candidate, createdAt: t, trainFrom: t, trainTo: t.adding(seconds: 86_400),
                holdoutFrom: t, holdoutTo: t.adding(seconds: 86_400), seed: 1, features: WaitFeatures.names, metrics: metrics,
                trainingSeconds: 1, model: bytes),
            session: session)
    }

    @Test func activationsReachTheChainWithoutARestartAndAnUnreadableModelFallsBack() async throws {
        let ns = try TestNamespace.make()
        defer { ns.drop() }
        let s = try ns.session()
        defer { s.close() }
        let bundle = ForecastTrainingTests.constantBundle
        let first = try Self.register(bundle(11), session: s)
        let second = try Self.register(bundle(22), session: s)
        let broken = try Self.register(Array("{\"15\": not a model".utf8), session: s)
        try ModelRegistry().activate(first, session: s)

        let models = ForecastModels()
        // A long interval: only the notifications can bring the changes in time.
        let watcher = ModelWatcher(models: models, databaseURL: ns.databaseURL, interval: .seconds(600), logger: TestStack.logger)
        let running = Task { try await BlockingThread.run(name: "models") { try watcher.run() } }
        defer { watcher.stop() }
        var row = [Double](repeating: .nan, count: WaitFeatures.names.count)
        row[WaitFeatures.Index.level] = 40
        row[WaitFeatures.Index.targetP50] = 50
        #expect(try await eventually(timeout: .seconds(60)) { models.chain.active?.version == first })
        #expect(models.chain.forecast(row, horizon: 60) == .init(minutes: 11, source: .activeModel, modelVersion: first))
        #expect(models.chain.active?.betterBaseline[60] == .seasonalNaive, "the baselines' ranking comes from the model's metrics")

        try ModelRegistry().activate(second, session: s)
        #expect(try await eventually(timeout: .seconds(60)) { models.chain.active?.version == second && models.chain.previous?.version == first })
        #expect(models.chain.forecast(row, horizon: 60)?.minutes == 22)

        // The damaged model is active, but cannot be read: the previous one answers, and says so.
        try ModelRegistry().activate(broken, session: s)
        #expect(try await eventually(timeout: .seconds(60)) { models.chain.previous?.version == second })
        #expect(models.chain.active == nil)
        #expect(models.chain.forecast(row, horizon: 60) == .init(minutes: 22, source: .previousModel, modelVersion: second))

        // Nothing served: the better baseline (no model measured it: persistence).
        try ModelRegistry().retire(broken, session: s)
        try ModelRegistry().retire(second, session: s)
        _ = try s.execute("UPDATE turnstile_models SET activated_at = NULL")
        try ModelRegistry().retire(first, session: s)
        #expect(try await eventually(timeout: .seconds(60)) { models.chain.active == nil && models.chain.previous == nil })
        #expect(models.chain.forecast(row, horizon: 60)?.source == .persistence)
        watcher.stop()
        _ = try await running.value
    }
}
