import Events

/// A car's line of `session_leaderboard`.
struct LeaderboardLine: Sendable, Equatable {
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
