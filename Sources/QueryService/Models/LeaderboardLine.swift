import APIDescription
import Events

/// A car's line of `session_leaderboard`.
struct LeaderboardLine: Sendable, Equatable {
    static let schema = APISchema.reference("LeaderboardLine", .object([
        ("driver_number", .integer(minimum: 1, maximum: 99)), ("position", .nullable(.integer(minimum: 1))), ("laps_completed", .integer(minimum: 0)),
        ("gap_to_leader", .nullable(.number)), ("gap_to_ahead", .nullable(.number)), ("laps_behind_leader", .nullable(.integer(minimum: 0))),
        ("last_lap", .nullable(.number(minimum: 0))), ("best_lap", .nullable(.number(minimum: 0))), ("best_lap_number", .nullable(.integer(minimum: 0))),
        ("best_sector_1", .nullable(.number(minimum: 0))), ("best_sector_2", .nullable(.number(minimum: 0))), ("best_sector_3", .nullable(.number(minimum: 0))),
        ("compound", .nullable(.string)), ("tyre_age", .nullable(.integer(minimum: 0))), ("pit_count", .integer(minimum: 0)), ("retired", .boolean),
        ("updated_at", .dateTime),
    ]))

    var driverNumber: Int64
    var position: Int64?
    var lapsCompleted: Int64
    var gapToLeader: Double?
    var gapToAhead: Double?
    var lapsBehindLeader: Int64?
    var lastLap: Double?
    var bestLap: Double?
    var bestLapNumber: Int64?
    var bestSectors: [Double?]
    var compound: String?
    var tyreAge: Int64?
    var pitCount: Int64
    var retired: Bool
    var updatedAt: Timestamp

    func write(to json: inout JSONWriter) {
        json.beginObject()
        json.key("driver_number"); json.int(driverNumber)
        json.key("position"); json.optional(position)
        json.key("laps_completed"); json.int(lapsCompleted)
        json.key("gap_to_leader"); json.optional(gapToLeader)
        json.key("gap_to_ahead"); json.optional(gapToAhead)
        json.key("laps_behind_leader"); json.optional(lapsBehindLeader)
        json.key("last_lap"); json.optional(lastLap)
        json.key("best_lap"); json.optional(bestLap)
        json.key("best_lap_number"); json.optional(bestLapNumber)
        for (i, s) in bestSectors.enumerated() { json.key("best_sector_\(i + 1)"); json.optional(s) }
        json.key("compound"); json.optional(compound)
        json.key("tyre_age"); json.optional(tyreAge)
        json.key("pit_count"); json.int(pitCount)
        json.key("retired"); json.bool(retired)
        json.key("updated_at"); json.timestamp(updatedAt)
        json.endObject()
    }
}
