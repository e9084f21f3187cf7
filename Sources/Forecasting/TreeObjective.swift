import Foundation

/// How a gradient-boosted model's summed tree outputs become a prediction: the objective's inverse link.
public enum TreeObjective: Sendable, Equatable {
    /// Regression on the value itself (`regression`, `regression_l1`, `huber`, `fair`, `quantile`, `mape`).
    case identity
    /// Log link (`poisson`, `gamma`, `tweedie`): the model predicts the logarithm.
    case exponential
    /// Logistic (`binary`, `cross_entropy`), with LightGBM's `sigmoid` parameter.
    case sigmoid(Double)

    /// Reads LightGBM's objective line: its name, then `key:value` parameters (`binary sigmoid:1`).
    public static func lightGBM(_ text: String) throws(ModelFormatError) -> TreeObjective {
        let parts = text.split(separator: " ")
        guard let name = parts.first else { throw ModelFormatError(path: "objective", reason: "empty") }
        switch name {
        case "regression", "regression_l2", "regression_l1", "huber", "fair", "quantile", "mape":
            return .identity
        case "poisson", "gamma", "tweedie":
            return .exponential
        case "binary", "cross_entropy", "xentropy":
            let parameter = parts.dropFirst().first { $0.hasPrefix("sigmoid:") }.flatMap { Double($0.dropFirst("sigmoid:".count)) }
            return .sigmoid(parameter ?? 1)
        default:
            throw ModelFormatError(
                path: "objective", reason: "'\(name)' is not supported (regression, poisson, gamma, tweedie, binary are)")
        }
    }

    public func transform(_ raw: Double) -> Double {
        switch self {
        case .identity: raw
        case .exponential: exp(raw)
        case .sigmoid(let s): 1 / (1 + exp(-s * raw))
        }
    }
}

/// A model document that cannot be read, with the JSON path of what is wrong.
public struct ModelFormatError: Error, CustomStringConvertible, Equatable {
    public var path: String
    public var reason: String
    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }
    public var description: String { "model: \(path): \(reason)" }
}
