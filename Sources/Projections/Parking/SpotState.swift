import Events

/// What a bay sensor's spot is, as far as occupancy is concerned.
public enum SpotStatus: String, Sendable, CaseIterable {
    case occupied, free
    /// Never confirmed yet, or its sensor is offline: left out of occupied and free.
    case unknown
}

/// One bay sensor's spot: its confirmed status, the change waiting for the debounce, and its liveness.
public struct SpotState: Sendable, Equatable {
    public var level: String
    public var zone: String
    public var status: SpotStatus = .unknown
    /// When the confirmed status began (the sensor time of the reading that started it).
    public var since: Timestamp?
    /// A reading that differs from `status` and has not yet held for the debounce time.
    public var pending: Bool?
    public var pendingSince: Timestamp?
    /// Sensor time of the newest reading: an older or equal one is a repeat and changes nothing.
    public var lastReading: Timestamp?
    /// Newest reading or heartbeat.
    public var lastSeen: Timestamp
    public var batteryPercent: Int?
    /// When the sensor was judged offline; nil while it is alive.
    public var offlineSince: Timestamp?
    /// Start of the current stay, when it is known (seen going from free to occupied).
    public var stayStart: Timestamp?

    public init(level: String, zone: String, lastSeen: Timestamp) {
        self.level = level
        self.zone = zone
        self.lastSeen = lastSeen
    }

    public var area: ParkingArea { ParkingArea(level: level, zone: zone) }
}

/// A gate of a count-based facility: only its liveness is tracked (its passages change the area's count).
public struct GateState: Sendable, Equatable {
    public var level: String
    public var zone: String
    public var lastSeen: Timestamp
    public var offlineSince: Timestamp?

    public init(level: String, zone: String, lastSeen: Timestamp) {
        self.level = level
        self.zone = zone
        self.lastSeen = lastSeen
    }
}

/// A count-based area: vehicles counted by gates and/or reported totals.
public struct CountState: Sendable, Equatable {
    /// Raw count: gates may drift below zero or over capacity; occupancy clamps, the count does not.
    public var count: Int = 0
    /// Capacity reported with the newest total (feeds like Birmingham's send it with every count).
    public var reportedCapacity: Int?
    /// Time of the newest reported total: an older total never overwrites it.
    public var lastTotalAt: Timestamp?

    public init() {}
}
