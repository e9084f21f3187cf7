import Synchronization

/// The fallback chain a processor serves now, swapped whole when the registry's active model changes
/// (`ModelWatcher`). Folds read it once per prediction: a prediction is made by the chain of the moment, and
/// says which model (or baseline) made it.
public final class ForecastModels: Sendable {
    private let current: Mutex<ForecastChain>

    public init(_ chain: ForecastChain = ForecastChain()) { current = Mutex(chain) }

    public var chain: ForecastChain { current.withLock { $0 } }

    public func replace(with chain: ForecastChain) { current.withLock { $0 = chain } }

    /// The processor's: `turnstile process` keeps it up to date from the registry.
    public static let shared = ForecastModels()
}
