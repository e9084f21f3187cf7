import APIDescription
import Events

/// A session in the list of sessions: what its leaderboard holds now.
struct SessionLine: Sendable, Equatable {
    static let schema = APISchema.reference("SessionLine", .object([
        ("session_id", .string), ("cars", .integer(minimum: 0)), ("laps", .integer(minimum: 0)),
        ("leader", .nullable(.integer(minimum: 1, maximum: 99))), ("updated_at", .nullable(.dateTime)),
    ]))

    var sessionID: String
    var cars: Int64
    /// The most laps any car has completed.
    var laps: Int64
    /// The car in position 1, once there is one.
    var leader: Int64?
    var updatedAt: Timestamp?

    func write(to json: inout JSONWriter) {
        json.beginObject()
        json.key("session_id"); json.string(sessionID)
        json.key("cars"); json.int(cars)
        json.key("laps"); json.int(laps)
        json.key("leader"); json.optional(leader)
        json.key("updated_at"); json.optional(updatedAt)
        json.endObject()
    }
}
