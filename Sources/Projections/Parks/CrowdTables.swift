/// The tables of `CrowdProjection`.
public enum CrowdTables {
    /// A park's crowd level at each change and at least every sample interval (hypertable).
    public static let crowdLevels = TableDefinition(
        "crowd_levels",
        columns: [
            Column("time", .timestamptz), Column("park_id", .text), Column("level", .text), Column("ratio", .double),
            Column("mean_wait_minutes", .double), Column("baseline_mean_minutes", .double),
            Column("open_attractions", .integer),
        ],
        hypertable: .init(timeColumn: "time", chunkInterval: "7 days"))

    /// Each park's current level: also its fold state (the attractions it averages, as JSON).
    public static let parkCrowdCurrent = TableDefinition(
        "park_crowd_current",
        columns: [
            Column("park_id", .text), .optional("level", .text), .optional("ratio", .double),
            .optional("level_since", .timestamptz), .optional("updated_at", .timestamptz),
            .optional("last_sample_at", .timestamptz), Column("attractions", .jsonb),
        ],
        key: ["park_id"], conflict: .replace, stateKey: .whole("park_id"))

    /// Opening hours per park and local date.
    public static let parkSchedules = TableDefinition(
        "park_schedules",
        columns: [
            Column("park_id", .text), Column("date", .date), Column("opens_at", .timestamptz),
            Column("closes_at", .timestamptz), .optional("time_zone", .text),
        ],
        key: ["park_id", "date"], conflict: .replace)

    public static let all = [crowdLevels, parkCrowdCurrent, parkSchedules]
}
