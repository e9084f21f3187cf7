/// Who answered a forecast: the fallback chain's links, in order.
public enum ForecastSource: String, Sendable, CaseIterable, Equatable {
    case activeModel = "active_model"
    case previousModel = "previous_model"
    case persistence
    case seasonalNaive = "seasonal_naive"

    init(_ baseline: ForecastBaseline) { self = baseline == .persistence ? .persistence : .seasonalNaive }
}

/// The fallback chain of a wait forecast: the active model, then the previous one, then the better baseline for
/// the horizon (as measured when the serving model was trained), then the other. A link that cannot answer (no
/// model, a model without that horizon, a non-finite output, a baseline without its input) passes to the next,
/// and the answer says which link gave it.
public struct ForecastChain: Sendable, Equatable {
    /// A model the chain may serve, with the baselines' ranking from its own evaluation.
    public struct Model: Sendable, Equatable {
        public var version: Int
        public var model: WaitForecastModel
        /// Per horizon (minutes), the baseline that did better on the model's holdout.
        public var betterBaseline: [Int: ForecastBaseline]

        public init(version: Int, model: WaitForecastModel, betterBaseline: [Int: ForecastBaseline] = [:]) {
            self.version = version
            self.model = model
            self.betterBaseline = betterBaseline
        }
    }

    public struct Forecast: Sendable, Equatable {
        public var minutes: Double
        public var source: ForecastSource
        /// The model's version when a model answered.
        public var modelVersion: Int?

        public init(minutes: Double, source: ForecastSource, modelVersion: Int?) {
            self.minutes = minutes
            self.source = source
            self.modelVersion = modelVersion
        }
    }

    public var active: Model?
    public var previous: Model?

    public init(active: Model? = nil, previous: Model? = nil) {
        self.active = active
        self.previous = previous
    }

    /// The first link that answers for `horizon` minutes from a `WaitFeatures` row (nil: none can).
    public func forecast(_ row: [Double], horizon: Int) -> Forecast? {
        forecast(row, horizon: horizon, activeModelSays: active?.model.predict(row, horizon: horizon))
    }

    /// The same, with the active model's answer for `row` already known (`active.model.predict(row, horizon:)`,
    /// scored with a batch's other rows).
    public func forecast(_ row: [Double], horizon: Int, activeModelSays answer: Double?) -> Forecast? {
        // Two plain checks, not a loop over an array of the links: that array (copies of both models) was made
        // on every forecast.
        if let link = active, let value = answer, value.isFinite {
            return Forecast(minutes: value, source: .activeModel, modelVersion: link.version)
        }
        if let link = previous, let value = link.model.predict(row, horizon: horizon), value.isFinite {
            return Forecast(minutes: value, source: .previousModel, modelVersion: link.version)
        }
        let better = active?.betterBaseline[horizon] ?? previous?.betterBaseline[horizon] ?? .persistence
        for baseline in [better, better == .persistence ? .seasonalNaive : .persistence] {
            if let value = baseline.predict(row) { return Forecast(minutes: value, source: ForecastSource(baseline), modelVersion: nil) }
        }
        return nil
    }
}
