/// The SQL type of a projection column, spelled as PostgreSQL's `format_type` prints it, so the migrator can
/// compare a declaration with the table a migration made.
public enum SQLType: String, Sendable, CaseIterable {
    case text
    case smallint
    case integer
    case bigint
    case double = "double precision"
    case boolean
    case timestamptz = "timestamp with time zone"
    case date
    case jsonb
    case bytea
    case integerArray = "integer[]"
    case bigintArray = "bigint[]"

    public var sql: String { rawValue }
}
