import Events

/// What the wait-times fold remembers per attraction. Everything here is restored from the projection's
/// tables (`attraction_current`, `attraction_baselines`), so a restarted processor folds on identically.
public struct AttractionState: Sendable, Equatable {
    public var parkID: String
    public var attractionID: String
    public var attractionName: String?
    public var timeZone: String?
    /// Event time of the newest observation applied to current state.
    public var observedAt: Timestamp?
    public var waitMinutes: Int?
    public var status: AttractionStatus?
    public var statusSince: Timestamp?
    /// Baseline P50 carried by the last `AttractionWaitUpdated` emitted: an update is emitted only when wait,
    /// status or this changes (feeds repeat unchanged readings; the crowd fold needs only changes).
    public var publishedBaselineP50: Int?
    /// Event times (µs) of the most recent observations, newest last: feeds re-post an unchanged reading on
    /// every poll, and a repeat must not count twice in the baselines.
    public var recentTimes: [Int64] = []
    /// Hour-of-week histograms, index `dayOfWeek * 24 + hour` (park-local, Monday = 0).
    public var baselines = HourOfWeekBaselines()

    public static let recentTimesKept = 32

    public init(parkID: String, attractionID: String) {
        self.parkID = parkID
        self.attractionID = attractionID
    }
}
