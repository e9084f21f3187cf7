import Events

/// What the crowd fold remembers per park: the latest reading of each attraction and the current level.
/// Restored from `park_crowd_current`.
public struct ParkCrowdState: Sendable, Equatable {
    public struct Attraction: Sendable, Equatable {
        public var waitMinutes: Int?
        public var isOpen: Bool
        public var baselineP50: Int?
        public var observedAt: Timestamp

        public init(waitMinutes: Int?, isOpen: Bool, baselineP50: Int?, observedAt: Timestamp) {
            self.waitMinutes = waitMinutes
            self.isOpen = isOpen
            self.baselineP50 = baselineP50
            self.observedAt = observedAt
        }
    }

    public var parkID: String
    public var attractions: [String: Attraction] = [:]
    public var level: CrowdLevel?
    public var ratio: Double?
    public var levelSince: Timestamp?
    public var updatedAt: Timestamp?
    /// Event time of the last row written to the `crowd_levels` history.
    public var lastSampleAt: Timestamp?

    public init(parkID: String) { self.parkID = parkID }
}
