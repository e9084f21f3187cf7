/// Derived (topic `parking.alerts`): a sensor was silent for longer than its facility's heartbeat allowance.
/// Its spot is `unknown` and left out of occupancy until it reports again. Event time: when the allowance ran out.
public struct SensorOffline: EventPayload {
    public static let eventType = "parking.sensor.offline"
    public static let schemaVersion = 1

    public var facilityID: String
    public var sensorID: String
    public var level: String
    public var zone: String
    public var lastSeen: Timestamp

    public init(facilityID: String, sensorID: String, level: String, zone: String, lastSeen: Timestamp) {
        self.facilityID = facilityID
        self.sensorID = sensorID
        self.level = level
        self.zone = zone
        self.lastSeen = lastSeen
    }

    public var partitionKey: String { facilityID }

    public init(payload r: FieldReader) throws(EventValidationError) {
        facilityID = try r.identifier("facility_id")
        sensorID = try r.identifier("sensor_id")
        level = try r.area("level")
        zone = try r.area("zone")
        lastSeen = try r.timestamp("last_seen")
    }

    public func encode(to w: inout JSONWriter) {
        w.beginObject()
        w.key("facility_id"); w.string(facilityID)
        w.key("sensor_id"); w.string(sensorID)
        w.key("level"); w.string(level)
        w.key("zone"); w.string(zone)
        w.key("last_seen"); w.timestamp(lastSeen)
        w.endObject()
    }
}
