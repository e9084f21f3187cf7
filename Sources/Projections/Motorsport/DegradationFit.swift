/// Least-squares line of lap time against tyre age over a stint's clean laps: the slope is the tyre's
/// degradation (seconds per lap of age); the line predicts the next lap, with the standard error of that
/// prediction as its uncertainty.
public struct DegradationFit: Sendable, Equatable {
    /// Seconds per lap of tyre age.
    public var slope: Double
    /// Lap time at tyre age 0.
    public var intercept: Double
    public var samples: Int
    /// Residual standard error (seconds).
    public var residualError: Double
    let meanAge: Double
    let sumSquaresAge: Double

    /// Nil with fewer than three laps or when every lap has the same age (no line to fit).
    public init?(ages: [Double], seconds: [Double]) {
        let n = ages.count
        guard n >= 3, seconds.count == n else { return nil }
        let mx = ages.reduce(0, +) / Double(n), my = seconds.reduce(0, +) / Double(n)
        var sxx = 0.0, sxy = 0.0
        for i in 0..<n {
            sxx += (ages[i] - mx) * (ages[i] - mx)
            sxy += (ages[i] - mx) * (seconds[i] - my)
        }
        guard sxx > 0 else { return nil }
        slope = sxy / sxx
        intercept = my - slope * mx
        var sse = 0.0
        for i in 0..<n {
            let r = seconds[i] - (intercept + slope * ages[i])
            sse += r * r
        }
        residualError = (sse / Double(n - 2)).squareRoot()
        samples = n
        meanAge = mx
        sumSquaresAge = sxx
    }

    /// Predicted lap time at tyre age `age`, and the standard error of a new lap there.
    public func predict(age: Double) -> (seconds: Double, uncertainty: Double) {
        let leverage = 1 + 1 / Double(samples) + (age - meanAge) * (age - meanAge) / sumSquaresAge
        return (intercept + slope * age, residualError * leverage.squareRoot())
    }
}
