import APIDescription
import Events

/// One line of commentary as served, a row of `commentary`.
struct CommentaryEntry: Sendable, Equatable {
    static let schema = APISchema.reference("CommentaryLine", .object([
        ("time", .dateTime), ("line_id", .string), ("lap_number", .integer(minimum: 0)), ("driver_number", .integer(minimum: 0)),
        ("kind", .string), ("priority", .string), ("text", .string),
    ]))

    var time: Timestamp
    var lineID: String
    var lapNumber: Int64
    var driverNumber: Int64
    var kind: String
    var priority: String
    var text: String

    func write(to json: inout JSONWriter) {
        json.beginObject()
        json.key("time"); json.timestamp(time)
        json.key("line_id"); json.string(lineID)
        json.key("lap_number"); json.int(lapNumber)
        json.key("driver_number"); json.int(driverNumber)
        json.key("kind"); json.string(kind)
        json.key("priority"); json.string(priority)
        json.key("text"); json.string(text)
        json.endObject()
    }
}
