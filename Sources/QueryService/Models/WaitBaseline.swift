import APIDescription
import Events

/// An attraction's usual wait at one hour of the week, a row of `attraction_baselines`.
struct WaitBaseline: Sendable, Equatable {
    static let schema = APISchema.reference("WaitBaseline", .object([
        ("attraction_id", .string), ("day_of_week", .integer(minimum: 0, maximum: 6)), ("hour", .integer(minimum: 0, maximum: 23)),
        ("samples", .integer(minimum: 0)), ("p50_minutes", .nullable(.integer(minimum: 0))), ("p90_minutes", .nullable(.integer(minimum: 0))),
    ]))

    var attractionID: String
    /// 0 = Monday … 6 = Sunday, in the park's local time.
    var dayOfWeek: Int64
    var hour: Int64
    var samples: Int64
    var p50Minutes: Int64?
    var p90Minutes: Int64?

    func write(to json: inout JSONWriter) {
        json.beginObject()
        json.key("attraction_id")
        json.string(attractionID)
        json.key("day_of_week")
        json.int(dayOfWeek)
        json.key("hour")
        json.int(hour)
        json.key("samples")
        json.int(samples)
        json.key("p50_minutes")
        json.optional(p50Minutes)
        json.key("p90_minutes")
        json.optional(p90Minutes)
        json.endObject()
    }
}
