/// A sensor (bay sensor or counter) says it is alive without a new reading (topic `parking.sensors`).
public struct SensorHeartbeat: EventPayload {
    public static let eventType = "parking.sensor.heartbeat"
    public static let schemaVersion = 1

    public var facilityID: String
    public var sensorID: String
    public var batteryPercent: Int?

    public init(facilityID: String, sensorID: String, batteryPercent: Int? = nil) {
        self.facilityID = facilityID
        self.sensorID = sensorID
        self.batteryPercent = batteryPercent
    }

    public var partitionKey: String { facilityID }

    public init(payload r: FieldReader) throws(EventValidationError) {
        facilityID = try r.identifier("facility_id")
        sensorID = try r.identifier("sensor_id")
        batteryPercent = try r.optionalInt("battery_percent", in: ParkingLimits.percent)
    }

    public func encode(to w: inout JSONWriter) {
        w.beginObject()
        w.key("facility_id"); w.string(facilityID)
        w.key("sensor_id"); w.string(sensorID)
        if let batteryPercent { w.key("battery_percent"); w.int(batteryPercent) }
        w.endObject()
    }
}
