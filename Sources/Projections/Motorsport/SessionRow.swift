import Events

/// What the session fold writes.
public enum SessionRow: Sendable, Equatable {
    /// A completed lap: one row of the `lap_times` hypertable.
    case lap(LapRow)
    /// A car's leaderboard line (current state, upserted).
    case standing(sessionID: String, DriverStanding, updatedAt: Timestamp)
    /// The whole fold state (restored on assignment).
    case state(SessionState)
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
