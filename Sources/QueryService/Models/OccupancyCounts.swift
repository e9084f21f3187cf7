import APIDescription
import Events

/// Occupied, free, unknown and capacity of an area at one time.
struct OccupancyCounts: Sendable, Equatable {
    /// `writeFields(to:)`'s members.
    static let members: [(String, APISchema)] = [
        ("occupied", .integer(minimum: 0)), ("free", .integer(minimum: 0)), ("unknown", .integer(minimum: 0)), ("capacity", .integer(minimum: 0)),
    ]

    var occupied: Int64
    var free: Int64
    var unknown: Int64
    var capacity: Int64

    func writeFields(to json: inout JSONWriter) {
        json.key("occupied"); json.int(occupied)
        json.key("free"); json.int(free)
        json.key("unknown"); json.int(unknown)
        json.key("capacity"); json.int(capacity)
    }
}
