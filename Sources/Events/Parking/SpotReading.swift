/// A bay sensor's reading: the spot is occupied or free (topic `parking.sensors`, keyed by facility).
/// Event time: the sensor's own time, which may be long before it reached the feed.
public struct SpotReading: EventPayload {
    public static let eventType = "parking.spot.reading"
    public static let schemaVersion = 1

    public var facilityID: String
    public var level: String
    public var zone: String
    public var spotID: String
    public var occupied: Bool
    public var batteryPercent: Int?

    public init(facilityID: String, level: String = "", zone: String = "", spotID: String, occupied: Bool, batteryPercent: Int? = nil) {
        self.facilityID = facilityID
        self.level = level
        self.zone = zone
        self.spotID = spotID
        self.occupied = occupied
        self.batteryPercent = batteryPercent
    }

    public var partitionKey: String { facilityID }

    public init(payload r: FieldReader) throws(EventValidationError) {
        facilityID = try r.identifier("facility_id")
        level = try r.area("level")
        zone = try r.area("zone")
        spotID = try r.identifier("spot_id")
        occupied = try r.bool("occupied")
        batteryPercent = try r.optionalInt("battery_percent", in: ParkingLimits.percent)
    }

    public func encode(to w: inout JSONWriter) {
        w.beginObject()
        w.key("facility_id"); w.string(facilityID)
        w.key("level"); w.string(level)
        w.key("zone"); w.string(zone)
        w.key("spot_id"); w.string(spotID)
        w.key("occupied"); w.bool(occupied)
        if let batteryPercent { w.key("battery_percent"); w.int(batteryPercent) }
        w.endObject()
    }
}
