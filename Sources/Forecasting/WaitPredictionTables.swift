import Projections

/// The tables of `WaitPredictionsProjection`.
public enum WaitPredictionTables {
    /// Every prediction made (hypertable on when it was made).
    public static let predictions = TableDefinition(
        "wait_predictions",
        columns: [
            Column("made_at", .timestamptz), Column("park_id", .text), Column("attraction_id", .text),
            Column("horizon_minutes", .integer), Column("target_time", .timestamptz), Column("predicted_minutes", .double),
            Column("source", .text), .optional("model_version", .integer),
        ],
        hypertable: .init(timeColumn: "made_at", chunkInterval: "1 day"))

    /// The error of each prediction whose target time came with a reading (hypertable on the target time): live
    /// accuracy per model version, source, horizon and park.
    public static let errors = TableDefinition(
        "forecast_errors",
        columns: [
            Column("target_time", .timestamptz), Column("park_id", .text), Column("attraction_id", .text),
            Column("horizon_minutes", .integer), Column("made_at", .timestamptz), Column("source", .text),
            .optional("model_version", .integer), Column("predicted_minutes", .double), Column("actual_minutes", .integer),
            Column("abs_error", .double), Column("observed_at", .timestamptz),
        ],
        hypertable: .init(timeColumn: "target_time", chunkInterval: "7 days"))

    /// Each attraction's fold state (JSON).
    public static let state = TableDefinition(
        "wait_prediction_state",
        columns: [Column("park_id", .text), Column("attraction_id", .text), Column("state", .jsonb)],
        key: ["park_id", "attraction_id"], conflict: .replace, stateKey: StateKey(["park_id", "attraction_id"], split: .firstSlash))

    public static let all = [predictions, errors, state]
}
