/// The tables of `ParkingProjection`.
public enum ParkingTables {
    /// Each facility's totals and alert settings, as of its clock.
    public static let facilities = TableDefinition(
        "parking_facilities",
        columns: [
            Column("facility_id", .text), .optional("name", .text), Column("capacity", .integer),
            Column("occupied", .integer), Column("free", .integer), Column("unknown", .integer),
            Column("alert_up_percent", .integer), Column("alert_down_percent", .integer),
            Column("above_threshold", .boolean), .optional("threshold_changed_at", .timestamptz),
            Column("sensors_offline", .integer), .optional("clock", .timestamptz),
        ],
        key: ["facility_id"], conflict: .replace)

    /// Each sensor's current state (spots and gates).
    public static let sensors = TableDefinition(
        "parking_sensors",
        columns: [
            Column("facility_id", .text), Column("sensor_id", .text), Column("kind", .text), Column("level", .text),
            Column("zone", .text), .optional("status", .text), .optional("status_since", .timestamptz),
            .optional("pending_status", .text), .optional("pending_since", .timestamptz), Column("last_seen", .timestamptz),
            .optional("battery_percent", .integer), .optional("offline_since", .timestamptz),
        ],
        key: ["facility_id", "sensor_id"], conflict: .replace)

    /// Occupancy now, per facility, level and zone.
    public static let occupancyCurrent = TableDefinition(
        "occupancy_current",
        columns: [
            Column("facility_id", .text), Column("scope", .text), Column("level", .text), Column("zone", .text),
            Column("occupied", .integer), Column("free", .integer), Column("unknown", .integer),
            Column("capacity", .integer), Column("updated_at", .timestamptz),
        ],
        key: ["facility_id", "scope", "level", "zone"], conflict: .replace)

    /// Occupancy at every change (hypertable).
    public static let occupancyHistory = TableDefinition(
        "occupancy_history",
        columns: [
            Column("time", .timestamptz), Column("facility_id", .text), Column("scope", .text), Column("level", .text),
            Column("zone", .text), Column("occupied", .integer), Column("free", .integer), Column("unknown", .integer),
            Column("capacity", .integer),
        ],
        hypertable: .init(timeColumn: "time", chunkInterval: "7 days"))

    /// Every finished stay in a spot (hypertable).
    public static let stays = TableDefinition(
        "parking_stays",
        columns: [
            Column("ended_at", .timestamptz), Column("started_at", .timestamptz), Column("facility_id", .text),
            Column("spot_id", .text), Column("level", .text), Column("zone", .text), Column("duration_seconds", .bigint),
        ],
        hypertable: .init(timeColumn: "ended_at", chunkInterval: "30 days"))

    /// Occupancy forecasts, one row per step (hypertable).
    public static let forecasts = TableDefinition(
        "occupancy_forecasts",
        columns: [
            Column("issued_at", .timestamptz), Column("facility_id", .text), Column("target_time", .timestamptz),
            Column("occupied", .integer), Column("capacity", .integer),
        ],
        hypertable: .init(timeColumn: "issued_at", chunkInterval: "7 days"))

    /// The alerts the fold derived, as sent.
    public static let alerts = TableDefinition(
        "parking_alerts",
        columns: [
            Column("time", .timestamptz), Column("facility_id", .text), .optional("sensor_id", .text),
            Column("event_id", .text), Column("type", .text), Column("event", .jsonb),
        ])

    /// The fold state of each facility, whole (JSON).
    public static let state = TableDefinition(
        "parking_state",
        columns: [Column("facility_id", .text), Column("state", .jsonb), .optional("updated_at", .timestamptz)],
        key: ["facility_id"], conflict: .replace, stateKey: .whole("facility_id"))

    public static let all = [facilities, sensors, occupancyCurrent, occupancyHistory, stays, forecasts, alerts, state]
}
