/// The two baselines every model is measured against, read from the same feature row it is given: the last
/// observation carried forward, and the hour-of-week median. The fallback chain ends with them.
public enum ForecastBaseline: String, Sendable, CaseIterable {
    /// The last observation (the level), whatever the horizon.
    case persistence
    /// The median wait of the target time's hour of week.
    case seasonalNaive = "seasonal_naive"

    /// The baseline's forecast from a `WaitFeatures` row (nil when it has nothing to say: no level, no baseline).
    public func predict(_ row: [Double]) -> Double? {
        let value = switch self {
        case .persistence: row[WaitFeatures.Index.level]
        case .seasonalNaive: row[WaitFeatures.Index.targetP50]
        }
        return value.isNaN ? nil : value
    }
}

/// Absolute errors of a forecaster on a holdout: mean and 90th percentile.
public struct ForecastAccuracy: Sendable, Equatable {
    public private(set) var errors: [Double] = []

    public init() {}

    public mutating func add(predicted: Double, actual: Double) { errors.append(abs(predicted - actual)) }

    public var count: Int { errors.count }
    public var meanAbsoluteError: Double? { errors.isEmpty ? nil : errors.reduce(0, +) / Double(errors.count) }
    /// Nearest-rank 90th percentile of the absolute errors.
    public var p90AbsoluteError: Double? {
        guard !errors.isEmpty else { return nil }
        let sorted = errors.sorted()
        return sorted[max(0, Int((0.9 * Double(sorted.count)).rounded(.up)) - 1)]
    }
}
