/// The tables of `SessionProjection`.
public enum SessionTables {
    /// Every lap (hypertable).
    public static let lapTimes = TableDefinition(
        "lap_times",
        columns: [
            Column("time", .timestamptz), Column("session_id", .text), Column("driver_number", .integer),
            Column("lap_number", .integer), .optional("lap_duration", .double), .optional("sector_1", .double),
            .optional("sector_2", .double), .optional("sector_3", .double), Column("is_pit_out_lap", .boolean),
            .optional("i1_speed", .integer), .optional("i2_speed", .integer), .optional("st_speed", .integer),
            .optional("compound", .text), .optional("tyre_age", .integer),
        ],
        hypertable: .init(timeColumn: "time", chunkInterval: "7 days"))

    /// The live leaderboard: one line per car.
    public static let sessionLeaderboard = TableDefinition(
        "session_leaderboard",
        columns: [
            Column("session_id", .text), Column("driver_number", .integer), .optional("position", .integer),
            Column("laps_completed", .integer), .optional("gap_to_leader", .double), .optional("gap_to_ahead", .double),
            .optional("laps_behind_leader", .integer), .optional("last_lap", .double), .optional("best_lap", .double),
            .optional("best_lap_number", .integer), .optional("best_sector_1", .double),
            .optional("best_sector_2", .double), .optional("best_sector_3", .double), .optional("compound", .text),
            .optional("tyre_age", .integer), Column("pit_count", .integer), Column("retired", .boolean),
            Column("updated_at", .timestamptz),
        ],
        key: ["session_id", "driver_number"], conflict: .replace)

    /// The fold state of each session, whole (JSON).
    public static let sessionState = TableDefinition(
        "session_state",
        columns: [Column("session_id", .text), Column("state", .jsonb), .optional("updated_at", .timestamptz)],
        key: ["session_id"], conflict: .replace, stateKey: .whole("session_id"))

    /// Each car's stints with their tyre degradation fit.
    public static let stints = TableDefinition(
        "stints",
        columns: [
            Column("session_id", .text), Column("driver_number", .integer), Column("stint_number", .integer),
            .optional("compound", .text), Column("lap_start", .integer), .optional("lap_end", .integer),
            Column("tyre_age_at_start", .integer), Column("clean_laps", .integer), .optional("degradation", .double),
            .optional("fitted_base_lap", .double), .optional("fit_residual_error", .double),
        ],
        key: ["session_id", "driver_number", "stint_number"], conflict: .replace)

    /// The race events the fold derived, as sent.
    public static let raceEvents = TableDefinition(
        "race_events",
        columns: [
            Column("time", .timestamptz), Column("session_id", .text), Column("driver_number", .integer),
            Column("event_id", .text), Column("type", .text), Column("event", .jsonb),
        ],
        key: ["session_id", "event_id"])

    public static let all = [lapTimes, sessionLeaderboard, sessionState, stints, raceEvents]
}
