import Events

/// What the parking fold writes.
public enum ParkingRow: Sendable, Equatable {
    /// A bay sensor's current state (upserted into `parking_sensors`).
    case spot(facilityID: String, spotID: String, SpotState)
    /// A gate's current liveness (upserted into `parking_sensors`).
    case gate(facilityID: String, gateID: String, GateState)
    /// Occupancy of a facility, level or zone changed: upserted into `occupancy_current`, appended to
    /// `occupancy_history`.
    case occupancy(facilityID: String, time: Timestamp, AreaOccupancy)
    /// A parking stay ended (`parking_stays`): seen from free to occupied to free.
    case stay(StayRow)
    /// A forecast issued (`occupancy_forecasts`).
    case forecast(facilityID: String, issuedAt: Timestamp, capacity: Int, steps: [OccupancyForecast.Step])
    /// A derived alert, kept for history queries (it also goes to the topic).
    case alert(AlertRow)
}

public struct StayRow: Sendable, Equatable {
    public var facilityID: String
    public var spotID: String
    public var level: String
    public var zone: String
    public var start: Timestamp
    public var end: Timestamp

    public init(facilityID: String, spotID: String, level: String, zone: String, start: Timestamp, end: Timestamp) {
        self.facilityID = facilityID
        self.spotID = spotID
        self.level = level
        self.zone = zone
        self.start = start
        self.end = end
    }

    public var seconds: Int64 { (end.microseconds - start.microseconds) / 1_000_000 }
}

public struct AlertRow: Sendable, Equatable {
    public var time: Timestamp
    public var facilityID: String
    /// The sensor concerned; nil for facility-wide alerts.
    public var sensorID: String?
    public var event: DerivedEvent

    public init(time: Timestamp, facilityID: String, sensorID: String?, event: DerivedEvent) {
        self.time = time
        self.facilityID = facilityID
        self.sensorID = sensorID
        self.event = event
    }
}
