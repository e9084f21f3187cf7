import Events

public enum TelemetryRow: Sendable, Equatable {
    /// One raw sample (the `telemetry` hypertable).
    case sample(time: Timestamp, CarSample)
    /// A partial aggregate of one second of one car (merged into `telemetry_1s`).
    case second(TelemetrySecond)
}

/// A mergeable aggregate of a car's samples within one second.
public struct TelemetrySecond: Sendable, Equatable {
    public var second: Timestamp
    public var sessionID: String
    public var driverNumber: Int
    public var samples: Int
    public var speedMin: Int
    public var speedMax: Int
    public var speedSum: Int
    public var throttleSum: Int
    /// Samples with the brake applied.
    public var brakeSamples: Int
    public var gearMax: Int
    public var drsOpenSamples: Int

    public init(second: Timestamp, sample s: CarSample) {
        self.second = second
        sessionID = s.sessionID
        driverNumber = s.driverNumber
        samples = 1
        speedMin = s.speed
        speedMax = s.speed
        speedSum = s.speed
        throttleSum = s.throttle
        brakeSamples = s.brake > 0 ? 1 : 0
        gearMax = s.gear
        drsOpenSamples = s.isDRSOpen ? 1 : 0
    }

    /// Both describe the same car and second.
    public mutating func merge(_ o: TelemetrySecond) {
        samples += o.samples
        speedMin = min(speedMin, o.speedMin)
        speedMax = max(speedMax, o.speedMax)
        speedSum += o.speedSum
        throttleSum += o.throttleSum
        brakeSamples += o.brakeSamples
        gearMax = max(gearMax, o.gearMax)
        drsOpenSamples += o.drsOpenSamples
    }
}
