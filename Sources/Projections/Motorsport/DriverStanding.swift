import Events

/// One car in a session, as the session fold keeps it.
public struct DriverStanding: Sendable, Equatable {
    public var driverNumber: Int
    public var lapsCompleted = 0
    /// When each completed lap ended (µs), by lap number: positions and gaps come from crossing times.
    public var lapEnds: [Int: Int64] = [:]
    public var lastLap: Double?
    public var bestLap: Double?
    public var bestLapNumber: Int?
    /// Personal best sector times (seconds), sectors 1–3.
    public var bestSectors: [Double?] = [nil, nil, nil]
    public var compound: TyreCompound?
    public var stintNumber = 0
    public var stintLapStart = 1
    public var tyreAgeAtStart = 0
    /// Clean laps of the current stint (no lap 1, no out- or in-laps, none slower than 107 % of the car's
    /// best): what the degradation fit sees.
    public var stintLaps: [StintLap] = []
    /// Laps of the pit stops counted (a feed re-sending a stop does not count twice).
    public var pitLaps: [Int] = []
    public var retired = false
    /// Derived from all cars after each change (1-based).
    public var position: Int?
    public var gapToLeader: Double?
    public var interval: Double?
    public var lapsBehindLeader: Int?

    public init(driverNumber: Int) { self.driverNumber = driverNumber }

    public struct StintLap: Sendable, Equatable {
        public var lap: Int
        /// Tyre age at the end of the lap.
        public var age: Int
        public var seconds: Double

        public init(lap: Int, age: Int, seconds: Double) {
            self.lap = lap
            self.age = age
            self.seconds = seconds
        }
    }

    /// Tyre age at the end of `lap` in the current stint.
    public func tyreAge(atLap lap: Int) -> Int { tyreAgeAtStart + max(0, lap - stintLapStart + 1) }

    /// The current stint's degradation, once it has three clean laps.
    public var degradationFit: DegradationFit? {
        DegradationFit(ages: stintLaps.map { Double($0.age) }, seconds: stintLaps.map(\.seconds))
    }

    public var pitCount: Int { pitLaps.count }

    /// Laps on the current set of tyres.
    public var tyreAge: Int? {
        guard compound != nil else { return nil }
        return tyreAge(atLap: lapsCompleted)
    }

    /// End of the last completed lap (µs).
    public var lastCrossing: Int64? { lapEnds[lapsCompleted] }
}
