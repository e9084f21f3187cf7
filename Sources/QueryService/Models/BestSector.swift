import APIDescription
import Events

/// The session's best time of a sector, and whose it is.
struct BestSector: Sendable, Equatable {
    static let schema = APISchema.reference("BestSector", .object([
        ("sector", .integer(minimum: 1)), ("seconds", .nullable(.number(minimum: 0))), ("driver_number", .nullable(.integer(minimum: 1, maximum: 99))),
    ]))

    var sector: Int64
    var seconds: Double?
    var driverNumber: Int64?

    func write(to json: inout JSONWriter) {
        json.beginObject()
        json.key("sector"); json.int(sector)
        json.key("seconds"); json.optional(seconds)
        json.key("driver_number"); json.optional(driverNumber)
        json.endObject()
    }
}
