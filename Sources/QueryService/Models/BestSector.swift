import Events

/// The session's best time of a sector, and whose it is.
struct BestSector: Sendable, Equatable {
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
