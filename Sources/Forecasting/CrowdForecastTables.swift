import Projections

/// The tables of `CrowdForecastProjection`.
public enum CrowdForecastTables {
    /// Each hour's last forecast (hypertable on the hour): what was expected of an hour, to set beside what came.
    public static let forecasts = TableDefinition(
        "crowd_forecasts",
        columns: [
            Column("hour", .timestamptz), Column("park_id", .text), Column("level", .text), Column("ratio", .double),
            Column("mean_predicted_minutes", .double), Column("attractions", .integer), Column("made_at", .timestamptz),
        ],
        key: ["park_id", "hour"], conflict: .replace,
        hypertable: .init(timeColumn: "hour", chunkInterval: "30 days"))

    /// Each park's newest forecast (`CrowdForecastUpdated` JSON, served as it is) and the fold's memory (JSON).
    public static let current = TableDefinition(
        "crowd_forecast_current",
        columns: [Column("park_id", .text), Column("made_at", .timestamptz), Column("forecast", .jsonb), Column("state", .jsonb)],
        key: ["park_id"], conflict: .replace, stateKey: .whole("park_id"))

    public static let all = [forecasts, current]
}
