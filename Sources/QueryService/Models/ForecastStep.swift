import APIDescription
import Events

/// One step of a facility's newest forecast.
struct ForecastStep: Sendable, Equatable {
    static let schema = APISchema.reference("OccupancyForecastStep", .object([
        ("time", .dateTime), ("occupied", .integer(minimum: 0)), ("capacity", .integer(minimum: 0)),
    ]))

    var time: Timestamp
    var occupied: Int64
    var capacity: Int64
    /// When the forecast was issued (the same for every step of one forecast).
    var issuedAt: Timestamp

    func write(to json: inout JSONWriter) {
        json.beginObject()
        json.key("time"); json.timestamp(time)
        json.key("occupied"); json.int(occupied)
        json.key("capacity"); json.int(capacity)
        json.endObject()
    }
}
