import APIDescription
import Events

/// A sensor's row of `parking_sensors`, as the offline lists show it.
struct SensorLine: Sendable, Equatable {
    static let schema = APISchema.reference("Sensor", .object([
        ("sensor_id", .string), ("kind", .string), ("level", .string), ("zone", .string), ("last_seen", .dateTime),
        ("offline_since", .nullable(.dateTime)), ("battery_percent", .nullable(.integer(minimum: 0, maximum: 100))),
    ]))

    var sensorID: String
    var kind: String
    var level: String
    var zone: String
    var lastSeen: Timestamp
    var offlineSince: Timestamp?
    var batteryPercent: Int64?

    func write(to json: inout JSONWriter) {
        json.beginObject()
        json.key("sensor_id"); json.string(sensorID)
        json.key("kind"); json.string(kind)
        json.key("level"); json.string(level)
        json.key("zone"); json.string(zone)
        json.key("last_seen"); json.timestamp(lastSeen)
        json.key("offline_since"); json.optional(offlineSince)
        json.key("battery_percent"); json.optional(batteryPercent)
        json.endObject()
    }
}
