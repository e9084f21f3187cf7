import Events

/// Rows of the wait-times projection. The runtime appends `observation`s with binary COPY; an attraction's
/// current state and its changed baselines are upserted once per batch from the state the batch left
/// (`FoldedBatch.touched`), so a fold step builds neither a current-state row nor a copy of a histogram.
public enum WaitTimesRow: Sendable, Equatable {
    case observation(WaitObservationRow)
    /// This hour-of-week baseline of the attraction changed: its histogram is in the attraction's state.
    case baselineChanged(BaselineSlot)
}

public struct WaitObservationRow: Sendable, Equatable {
    public var time: Timestamp
    public var parkID: String
    public var attractionID: String
    public var waitMinutes: Int?
    public var status: AttractionStatus

    public init(time: Timestamp, parkID: String, attractionID: String, waitMinutes: Int?, status: AttractionStatus) {
        self.time = time
        self.parkID = parkID
        self.attractionID = attractionID
        self.waitMinutes = waitMinutes
        self.status = status
    }
}

/// Names one hour-of-week baseline of one attraction (park-local day of week, Monday = 0, and hour).
public struct BaselineSlot: Sendable, Hashable {
    public var parkID: String
    public var attractionID: String
    public var dayOfWeek: Int
    public var hour: Int

    public init(parkID: String, attractionID: String, dayOfWeek: Int, hour: Int) {
        self.parkID = parkID
        self.attractionID = attractionID
        self.dayOfWeek = dayOfWeek
        self.hour = hour
    }

    /// The index of `AttractionState.baselines`.
    public var index: Int { dayOfWeek * 24 + hour }
}
