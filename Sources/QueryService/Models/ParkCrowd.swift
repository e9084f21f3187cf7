import APIDescription
import Events

/// A park's crowd level now, the row of `park_crowd_current`.
struct ParkCrowd: Sendable, Equatable {
    static let schema = APISchema.reference("ParkCrowd", .object([
        ("park_id", .string), ("level", .nullable(.enumeration(CrowdSample.levels))), ("ratio", .nullable(.number(minimum: 0))),
        ("level_since", .nullable(.dateTime)), ("updated_at", .nullable(.dateTime)),
    ]))

    var parkID: String
    var level: String?
    var ratio: Double?
    var levelSince: Timestamp?
    var updatedAt: Timestamp?

    func write(to json: inout JSONWriter) {
        json.beginObject()
        json.key("park_id")
        json.string(parkID)
        json.key("level")
        json.optional(level)
        json.key("ratio")
        json.optional(ratio)
        json.key("level_since")
        json.optional(levelSince)
        json.key("updated_at")
        json.optional(updatedAt)
        json.endObject()
    }
}
