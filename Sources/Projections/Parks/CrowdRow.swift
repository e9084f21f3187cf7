import Events

/// Rows of the crowd projection.
public enum CrowdRow: Sendable, Equatable {
    /// A point of the `crowd_levels` history.
    case sample(CrowdSampleRow)
    case current(ParkCrowdState)
    case schedule(ParkScheduleUpdated)
}

public struct CrowdSampleRow: Sendable, Equatable {
    public var time: Timestamp
    public var parkID: String
    public var level: CrowdLevel
    public var ratio: Double
    public var meanWaitMinutes: Double
    public var baselineMeanMinutes: Double
    public var openAttractions: Int

    public init(
        time: Timestamp, parkID: String, level: CrowdLevel, ratio: Double, meanWaitMinutes: Double,
        baselineMeanMinutes: Double, openAttractions: Int
    ) {
        self.time = time
        self.parkID = parkID
        self.level = level
        self.ratio = ratio
        self.meanWaitMinutes = meanWaitMinutes
        self.baselineMeanMinutes = baselineMeanMinutes
        self.openAttractions = openAttractions
    }
}
