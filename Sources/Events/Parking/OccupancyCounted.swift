/// A count-based facility (or one of its levels or zones) reports how many vehicles it holds (topic
/// `parking.sensors`). Guidance feeds that report free spaces are turned into this by their adapter.
public struct OccupancyCounted: EventPayload {
    public static let eventType = "parking.occupancy.counted"
    public static let schemaVersion = 1

    public var facilityID: String
    public var level: String
    public var zone: String
    public var occupied: Int
    /// The capacity the feed reports with the count; the layout's capacity when absent.
    public var capacity: Int?

    public init(facilityID: String, level: String = "", zone: String = "", occupied: Int, capacity: Int? = nil) {
        self.facilityID = facilityID
        self.level = level
        self.zone = zone
        self.occupied = occupied
        self.capacity = capacity
    }

    public var partitionKey: String { facilityID }

    public init(payload r: FieldReader) throws(EventValidationError) {
        facilityID = try r.identifier("facility_id")
        level = try r.area("level")
        zone = try r.area("zone")
        occupied = try r.int("occupied", in: ParkingLimits.capacity)
        capacity = try r.optionalInt("capacity", in: ParkingLimits.capacity)
    }

    public func encode(to w: inout JSONWriter) {
        w.beginObject()
        w.key("facility_id"); w.string(facilityID)
        w.key("level"); w.string(level)
        w.key("zone"); w.string(zone)
        w.key("occupied"); w.int(occupied)
        w.key("capacity"); w.optional(capacity)
        w.endObject()
    }
}
