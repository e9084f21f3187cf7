import Events

/// What the session fold writes.
public enum SessionRow: Sendable, Equatable {
    /// A completed lap: one row of the `lap_times` hypertable.
    case lap(LapRow)
    /// A car's leaderboard line (current state, upserted).
    case standing(sessionID: String, DriverStanding, updatedAt: Timestamp)
    /// A car's stint with its degradation fit (upserted).
    case stint(StintRow)
    /// A derived race event, kept for "events since" queries (it also goes to the topic).
    case raceEvent(RaceEventRow)
}

public struct RaceEventRow: Sendable, Equatable {
    public var time: Timestamp
    public var sessionID: String
    public var driverNumber: Int
    public var event: DerivedEvent

    public init(time: Timestamp, sessionID: String, driverNumber: Int, event: DerivedEvent) {
        self.time = time
        self.sessionID = sessionID
        self.driverNumber = driverNumber
        self.event = event
    }
}

public struct StintRow: Sendable, Equatable {
    public var sessionID: String
    public var driverNumber: Int
    public var stintNumber: Int
    public var compound: TyreCompound?
    public var lapStart: Int
    /// Last lap completed on these tyres; nil before the first.
    public var lapEnd: Int?
    public var tyreAgeAtStart: Int
    public var cleanLaps: Int
    public var fit: DegradationFit?

    public init(sessionID: String, _ d: DriverStanding) {
        self.sessionID = sessionID
        driverNumber = d.driverNumber
        stintNumber = d.stintNumber
        compound = d.compound
        lapStart = d.stintLapStart
        lapEnd = d.lapsCompleted >= d.stintLapStart ? d.lapsCompleted : nil
        tyreAgeAtStart = d.tyreAgeAtStart
        cleanLaps = d.stintLaps.count
        fit = d.degradationFit
    }
}

public struct LapRow: Sendable, Equatable {
    /// When the lap ended.
    public var time: Timestamp
    public var lap: LapCompleted
    public var compound: TyreCompound?
    public var tyreAge: Int?

    public init(time: Timestamp, lap: LapCompleted, compound: TyreCompound?, tyreAge: Int?) {
        self.time = time
        self.lap = lap
        self.compound = compound
        self.tyreAge = tyreAge
    }
}
