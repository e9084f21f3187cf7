/// The tables of `TelemetryProjection`.
public enum TelemetryTables {
    /// Every sample (hypertable).
    public static let telemetry = TableDefinition(
        "telemetry",
        columns: [
            Column("time", .timestamptz), Column("session_id", .text), Column("driver_number", .integer),
            Column("speed", .integer), Column("throttle", .integer), Column("brake", .integer), Column("gear", .integer),
            Column("rpm", .integer), Column("drs", .integer),
        ],
        hypertable: .init(timeColumn: "time", chunkInterval: "1 day"))

    /// Each car's fold state: the times of its newest samples, the repeat filter.
    public static let cars = TableDefinition(
        "telemetry_cars",
        columns: [
            Column("session_id", .text), Column("driver_number", .integer), Column("recent_times", .bigintArray),
            .optional("updated_at", .timestamptz),
        ],
        key: ["session_id", "driver_number"], conflict: .replace, stateKey: StateKey(["session_id", "driver_number"], split: .lastSlash))

    /// One row per car and second: partial aggregates merged across batches (its means are generated columns).
    public static let telemetry1s = TableDefinition(
        "telemetry_1s",
        columns: [
            Column("time", .timestamptz), Column("session_id", .text), Column("driver_number", .integer),
            Column("samples", .integer), Column("speed_min", .integer), Column("speed_max", .integer),
            Column("speed_sum", .bigint), Column("throttle_sum", .bigint), Column("brake_samples", .integer),
            Column("gear_max", .integer), Column("drs_open_samples", .integer),
        ],
        key: ["session_id", "driver_number", "time"],
        conflict: .merge([
            .init("samples", "{{table}}.samples + EXCLUDED.samples"),
            .init("speed_min", "least({{table}}.speed_min, EXCLUDED.speed_min)"),
            .init("speed_max", "greatest({{table}}.speed_max, EXCLUDED.speed_max)"),
            .init("speed_sum", "{{table}}.speed_sum + EXCLUDED.speed_sum"),
            .init("throttle_sum", "{{table}}.throttle_sum + EXCLUDED.throttle_sum"),
            .init("brake_samples", "{{table}}.brake_samples + EXCLUDED.brake_samples"),
            .init("gear_max", "greatest({{table}}.gear_max, EXCLUDED.gear_max)"),
            .init("drs_open_samples", "{{table}}.drs_open_samples + EXCLUDED.drs_open_samples"),
        ]),
        hypertable: .init(timeColumn: "time", chunkInterval: "1 day"))

    public static let all = [telemetry, telemetry1s, cars]
}
