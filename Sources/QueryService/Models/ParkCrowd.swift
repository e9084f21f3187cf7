import Events

/// A park's crowd level now, the row of `park_crowd_current`.
struct ParkCrowd: Sendable, Equatable {
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
