/// Derived (topic `parking.alerts`): a facility's occupancy rose to its up threshold, or fell back to its
/// down threshold. Between the two nothing is raised again (hysteresis), so a facility hovering at the
/// threshold does not flood the dashboard.
public struct OccupancyThresholdCrossed: EventPayload {
    public static let eventType = "parking.occupancy.threshold-crossed"
    public static let schemaVersion = 1

    public enum Direction: String, Sendable, CaseIterable { case up, down }

    public var facilityID: String
    public var direction: Direction
    public var occupied: Int
    public var capacity: Int
    /// The threshold crossed, percent of capacity.
    public var thresholdPercent: Int

    public init(facilityID: String, direction: Direction, occupied: Int, capacity: Int, thresholdPercent: Int) {
        self.facilityID = facilityID
        self.direction = direction
        self.occupied = occupied
        self.capacity = capacity
        self.thresholdPercent = thresholdPercent
    }

    public var partitionKey: String { facilityID }

    public init(payload r: FieldReader) throws(EventValidationError) {
        facilityID = try r.identifier("facility_id")
        direction = try r.oneOf("direction", Direction.self)
        occupied = try r.int("occupied", in: ParkingLimits.facilityTotal)
        capacity = try r.int("capacity", in: ParkingLimits.facilityTotal)
        thresholdPercent = try r.int("threshold_percent", in: ParkingLimits.percent)
    }

    public func encode(to w: inout JSONWriter) {
        w.beginObject()
        w.key("facility_id"); w.string(facilityID)
        w.key("direction"); w.string(direction.rawValue)
        w.key("occupied"); w.int(occupied)
        w.key("capacity"); w.int(capacity)
        w.key("threshold_percent"); w.int(thresholdPercent)
        w.endObject()
    }
}
