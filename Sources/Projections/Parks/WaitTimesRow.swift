import Events

/// Rows of the wait-times projection. The runtime appends `observation`s with binary COPY and upserts the
/// last `current` and `baseline` of each key in a batch.
public enum WaitTimesRow: Sendable, Equatable {
    case observation(WaitObservationRow)
    case current(AttractionCurrentRow)
    case baseline(BaselineRow)
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

/// The current-state columns of an attraction (its state without the baselines, which have their own rows).
public struct AttractionCurrentRow: Sendable, Equatable {
    public var parkID: String
    public var attractionID: String
    public var attractionName: String?
    public var timeZone: String?
    public var observedAt: Timestamp?
    public var waitMinutes: Int?
    public var status: AttractionStatus?
    public var statusSince: Timestamp?
    public var recentTimes: [Int64]
    public var publishedBaselineP50: Int?

    public init(_ s: AttractionState) {
        parkID = s.parkID
        attractionID = s.attractionID
        attractionName = s.attractionName
        timeZone = s.timeZone
        observedAt = s.observedAt
        waitMinutes = s.waitMinutes
        status = s.status
        statusSince = s.statusSince
        recentTimes = s.recentTimes
        publishedBaselineP50 = s.publishedBaselineP50
    }
}

public struct BaselineRow: Sendable, Equatable {
    public var parkID: String
    public var attractionID: String
    public var dayOfWeek: Int
    public var hour: Int
    public var histogram: WaitHistogram

    public init(parkID: String, attractionID: String, dayOfWeek: Int, hour: Int, histogram: WaitHistogram) {
        self.parkID = parkID
        self.attractionID = attractionID
        self.dayOfWeek = dayOfWeek
        self.hour = hour
        self.histogram = histogram
    }

    public var p50: Int? { histogram.percentile(0.5) }
    public var p90: Int? { histogram.percentile(0.9) }
}
