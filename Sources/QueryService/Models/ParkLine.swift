import APIDescription
import Events

/// A park in the list of parks: what `attraction_current` holds of it now.
struct ParkLine: Sendable, Equatable {
    static let schema = APISchema.reference("ParkLine", .object([
        ("park_id", .string), ("time_zone", .nullable(.string)), ("attractions", .integer(minimum: 0)),
        ("operating", .integer(minimum: 0)), ("mean_wait_minutes", .nullable(.number(minimum: 0))),
        ("observed_at", .nullable(.dateTime)),
    ]))

    var parkID: String
    var timeZone: String?
    /// Attractions known, and those operating now.
    var attractions: Int64
    var operating: Int64
    /// The mean wait of the operating attractions that report one.
    var meanWaitMinutes: Double?
    /// The newest observation of any of its attractions.
    var observedAt: Timestamp?

    func write(to json: inout JSONWriter) {
        json.beginObject()
        json.key("park_id"); json.string(parkID)
        json.key("time_zone"); json.optional(timeZone)
        json.key("attractions"); json.int(attractions)
        json.key("operating"); json.int(operating)
        json.key("mean_wait_minutes"); json.optional(meanWaitMinutes)
        json.key("observed_at"); json.optional(observedAt)
        json.endObject()
    }
}
