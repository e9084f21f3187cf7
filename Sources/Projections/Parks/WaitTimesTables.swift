/// The tables of `WaitTimesProjection`.
public enum WaitTimesTables {
    /// Every observation (hypertable).
    public static let waitTimes = TableDefinition(
        "wait_times",
        columns: [
            Column("time", .timestamptz), Column("park_id", .text), Column("attraction_id", .text),
            .optional("wait_minutes", .integer), Column("status", .text),
        ],
        hypertable: .init(timeColumn: "time", chunkInterval: "1 day"))

    /// Each attraction's current state: also its fold state, with the baselines.
    public static let attractionCurrent = TableDefinition(
        "attraction_current",
        columns: [
            Column("park_id", .text), Column("attraction_id", .text), .optional("attraction_name", .text),
            .optional("time_zone", .text), .optional("wait_minutes", .integer), .optional("status", .text),
            .optional("observed_at", .timestamptz), .optional("status_changed_at", .timestamptz),
            Column("recent_times", .bigintArray), .optional("published_baseline_p50", .integer),
        ],
        key: ["park_id", "attraction_id"], conflict: .replace,
        stateKey: StateKey(["park_id", "attraction_id"], split: .firstSlash))

    /// Hour-of-week wait histograms per attraction, with their P50 and P90.
    public static let attractionBaselines = TableDefinition(
        "attraction_baselines",
        columns: [
            Column("park_id", .text), Column("attraction_id", .text), Column("day_of_week", .smallint),
            Column("hour", .smallint), Column("samples", .bigint), .optional("p50_minutes", .integer),
            .optional("p90_minutes", .integer), Column("wait_values", .integerArray), Column("wait_counts", .integerArray),
        ],
        key: ["park_id", "attraction_id", "day_of_week", "hour"], conflict: .replace,
        stateKey: StateKey(["park_id", "attraction_id"], split: .firstSlash))

    public static let all = [waitTimes, attractionCurrent, attractionBaselines]
}
