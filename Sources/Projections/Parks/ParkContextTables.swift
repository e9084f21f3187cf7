/// The tables of `ParkContextProjection`.
public enum ParkContextTables {
    /// Each park's attractions, recent schedules and weather reports (JSON): the fold state.
    public static let state = TableDefinition(
        "park_context",
        columns: [Column("park_id", .text), Column("state", .jsonb)],
        key: ["park_id"], conflict: .replace, stateKey: .whole("park_id"))

    public static let all = [state]
}
