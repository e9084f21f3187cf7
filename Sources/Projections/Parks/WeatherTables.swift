/// The tables of `WeatherProjection`.
public enum WeatherTables {
    /// Every report of a park's hour (observed or forecast) with when it was fetched: a forecast is read as it
    /// was known at a moment, not as the observation that came later (hypertable on the hour described).
    public static let reports = TableDefinition(
        "park_weather",
        columns: [
            Column("hour", .timestamptz), Column("park_id", .text), Column("reported_at", .timestamptz),
            .optional("temperature_c", .double), .optional("precipitation_mm", .double),
        ],
        key: ["park_id", "hour", "reported_at"], conflict: .replace,
        hypertable: .init(timeColumn: "hour", chunkInterval: "30 days"))

    /// Each park's weather now: the latest observation (a report of the hour it was fetched in). Also the fold state.
    public static let current = TableDefinition(
        "park_weather_current",
        columns: [
            Column("park_id", .text), .optional("hour", .timestamptz), .optional("temperature_c", .double),
            .optional("precipitation_mm", .double), .optional("reported_at", .timestamptz), Column("reports", .bigint),
        ],
        key: ["park_id"], conflict: .replace, stateKey: .whole("park_id"))

    public static let all = [reports, current]
}
