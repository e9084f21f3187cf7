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
    /// Laps of the pit stops counted (a feed re-sending a stop does not count twice).
    public var pitLaps: [Int] = []
    public var retired = false
    /// Derived from all cars after each change (1-based).
    public var position: Int?
    public var gapToLeader: Double?
    public var interval: Double?
    public var lapsBehindLeader: Int?

    public init(driverNumber: Int) { self.driverNumber = driverNumber }

    public var pitCount: Int { pitLaps.count }

    /// Laps on the current set of tyres.
    public var tyreAge: Int? {
        guard compound != nil else { return nil }
        return tyreAgeAtStart + max(0, lapsCompleted - stintLapStart + 1)
    }

    /// End of the last completed lap (µs).
    public var lastCrossing: Int64? { lapEnds[lapsCompleted] }
}
