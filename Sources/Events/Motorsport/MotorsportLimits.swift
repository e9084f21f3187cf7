/// Limits shared by the motorsport events: a value outside them is a feed error, not a fast lap.
enum MotorsportLimits {
    static let driverNumber: ClosedRange<Int64> = 1...99
    static let lapNumber: ClosedRange<Int64> = 1...1_000
    /// Tyre age a stint can start at (used tyres).
    static let tyreAgeAtStart: ClosedRange<Int64> = 0...200
    // What the session fold derives from the ranges above, so that its own events always decode again:
    /// A prediction is for the lap after the last one completed.
    static let predictedLap: ClosedRange<Int64> = 1...(lapNumber.upperBound + 1)
    /// Age at the end of a predicted lap: the stint's starting age plus every lap.
    static let tyreAge: ClosedRange<Int64> = 0...(tyreAgeAtStart.upperBound + lapNumber.upperBound + 1)
    /// At most one counted stop per lap.
    static let pitCount: ClosedRange<Int64> = 1...lapNumber.upperBound
    /// Seconds; a lap or sector longer than an hour is a red flag, not a lap.
    static let duration: ClosedRange<Double> = 0.001...3_600
    static let speed: ClosedRange<Int64> = 0...500
}
