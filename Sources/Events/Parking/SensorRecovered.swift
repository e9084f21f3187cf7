/// Derived (topic `parking.alerts`): an offline sensor reported again. Event time: its first new report.
public struct SensorRecovered: EventPayload {
    public static let eventType = "parking.sensor.recovered"
    public static let schemaVersion = 1

    public var facilityID: String
    public var sensorID: String
    /// When it went offline (its last report plus the allowance).
    public var offlineSince: Timestamp

    public init(facilityID: String, sensorID: String, offlineSince: Timestamp) {
        self.facilityID = facilityID
        self.sensorID = sensorID
        self.offlineSince = offlineSince
    }

    public var partitionKey: String { facilityID }

    public init(payload r: FieldReader) throws(EventValidationError) {
        facilityID = try r.identifier("facility_id")
        sensorID = try r.identifier("sensor_id")
        offlineSince = try r.timestamp("offline_since")
    }

    public func encode(to w: inout JSONWriter) {
        w.beginObject()
        w.key("facility_id"); w.string(facilityID)
        w.key("sensor_id"); w.string(sensorID)
        w.key("offline_since"); w.timestamp(offlineSince)
        w.endObject()
    }
}
