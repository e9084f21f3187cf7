import Forecasting
import Foundation
import Logging
import Metrics
import Postgres
import Processor
import Synchronization

/// Keeps the processor's fallback chain (`ForecastModels`) on the registry's active and previous wait models:
/// reads them when an activation or retirement commits (LISTEN on the registry's channel) and every `interval`
/// anyway, so every member serves the same bytes without a restart. A model whose bytes cannot be read (another
/// build's features, a damaged row) is left out of the chain, which then answers with the next link, and says so.
public final class ModelWatcher: BlockingRunner {
    let models: ForecastModels
    let databaseURL: String
    let registry: ModelRegistry
    let interval: Duration
    let logger: Logger
    private let stopped = Atomic<Bool>(false)
    private let refreshes = Atomic<Int>(0)
    private let served = Mutex<[Int?]>([nil, nil])

    public init(
        models: ForecastModels = .shared, databaseURL: String, registry: ModelRegistry = ModelRegistry(), interval: Duration = .seconds(30),
        logger: Logger
    ) {
        self.models = models
        self.databaseURL = databaseURL
        self.registry = registry
        self.interval = interval
        self.logger = logger
    }

    public var name: String { "models" }
    public var healthName: String { "models" }
    public var upMetric: (label: String, dimensions: [(String, String)]) { ("turnstile_model_watcher_up", []) }
    public var progress: Int { refreshes.load(ordering: .relaxed) }

    public func stop() { stopped.store(true, ordering: .relaxed) }

    public func run() throws {
        let listener = VersionNotificationListener(databaseURL: databaseURL, channel: registry.channel, logger: logger)
        defer { listener.stop() }
        var last: ContinuousClock.Instant?
        var failedAt: ContinuousClock.Instant?
        while !stopped.load(ordering: .relaxed) {
            if failedAt.map({ ContinuousClock.now - $0 >= .seconds(1) }) ?? true,
               listener.takePending() || failedAt != nil || last.map({ ContinuousClock.now - $0 >= interval }) ?? true {
                last = .now
                do {
                    let session = try PGSession.connect(url: databaseURL, logger: logger)
                    defer { session.close() }
                    try refresh(session: session)
                    failedAt = nil
                } catch {
                    // The chain in place keeps serving; try again in a second.
                    if failedAt == nil { logger.warning("cannot read the model registry; serving the models in place", metadata: ["error": "\(error)"]) }
                    failedAt = .now
                }
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    /// Reads the served models once and installs their chain.
    public func refresh(session: PGSession) throws {
        let (active, previous) = try registry.served(kind: RegisteredModel.parksWaitTimes, session: session)
        let chain = ForecastChain(active: link(active), previous: link(previous))
        models.replace(with: chain)
        refreshes.add(1, ordering: .relaxed)
        let versions = [chain.active?.version, chain.previous?.version]
        let changed = served.withLock { old in
            defer { old = versions }
            return old != versions
        }
        if changed {
            logger.notice("serving wait models", metadata: [
                "active": "\(chain.active.map { String($0.version) } ?? "none")", "previous": "\(chain.previous.map { String($0.version) } ?? "none")",
            ])
        }
        Gauge(label: "turnstile_wait_model_active_version").record(chain.active?.version ?? 0)
    }

    /// A registered model as a link of the chain, or nil (logged) when its bytes cannot be served by this build.
    func link(_ m: RegisteredModel?) -> ForecastChain.Model? {
        guard let m else { return nil }
        do {
            let model = try WaitForecastModel(bundle: m.model)
            var better: [Int: ForecastBaseline] = [:]
            if let e = try? WaitModelEvaluation(json: m.metrics) {
                for h in e.horizons { better[h.minutes] = h.betterBaseline }
            }
            return ForecastChain.Model(version: m.version, model: model, betterBaseline: better)
        } catch {
            logger.error("model \(m.version) cannot be served; its forecasts fall back to the next link", metadata: ["error": "\(error)"])
            Counter(label: "turnstile_wait_model_unreadable_total").increment()
            return nil
        }
    }
}
