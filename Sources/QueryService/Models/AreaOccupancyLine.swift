import APIDescription
import Events

/// The occupancy of one level or zone now, a row of `occupancy_current`.
struct AreaOccupancyLine: Sendable, Equatable {
    static let schema = APISchema.reference("AreaOccupancy", .object([
        ("scope", .enumeration(["facility", "level", "zone"])), ("level", .string), ("zone", .string),
    ] + OccupancyCounts.members + [("updated_at", .dateTime)]))

    var scope: String
    var level: String
    var zone: String
    var counts: OccupancyCounts
    var updatedAt: Timestamp

    func write(to json: inout JSONWriter) {
        json.beginObject()
        json.key("scope"); json.string(scope)
        json.key("level"); json.string(level)
        json.key("zone"); json.string(zone)
        counts.writeFields(to: &json)
        json.key("updated_at"); json.timestamp(updatedAt)
        json.endObject()
    }
}
