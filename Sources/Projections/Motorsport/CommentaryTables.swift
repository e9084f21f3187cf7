/// The tables of `CommentaryProjection`.
public enum CommentaryTables {
    /// Every line said, once (its id is its derived event's).
    public static let lines = TableDefinition(
        "commentary",
        columns: [
            Column("time", .timestamptz), Column("session_id", .text), Column("line_id", .text), Column("lap_number", .integer),
            Column("driver_number", .integer), Column("kind", .text), Column("priority", .text), Column("text", .text),
        ],
        key: ["session_id", "line_id"])

    /// The fold state of each session, whole (JSON).
    public static let state = TableDefinition(
        "commentary_state",
        columns: [Column("session_id", .text), Column("state", .jsonb), .optional("updated_at", .timestamptz)],
        key: ["session_id"], conflict: .replace, stateKey: .whole("session_id"))

    public static let all = [lines, state]
}
