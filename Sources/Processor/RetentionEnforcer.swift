import Postgres
import Projections

/// Applies a `Retention` to a table at a placement: TimescaleDB's `drop_chunks` for the chunks entirely older
/// than the window before the newest row (on plain PostgreSQL, where tables are not hypertables, the rows).
public enum RetentionEnforcer {
    public struct Outcome: Sendable, Equatable {
        /// The chunks dropped (qualified names); empty on plain PostgreSQL.
        public var droppedChunks: [String]
        /// Rows deleted on plain PostgreSQL (0 with TimescaleDB, which drops whole chunks).
        public var deletedRows: Int
        /// Where the window began (µs since the epoch); nil when the table is empty.
        public var cutoff: Int64?
    }

    public static func enforce(_ retention: Retention, placement: TablePlacement, session: PGSession) throws -> Outcome {
        let table = placement[retention.table], time = retention.timeColumn
        let cutoff = try session.execute("SELECT max(\(time)) - $1::interval FROM \(table)", [.text(retention.keep)]).timestamp(0, 0)
        guard let cutoff else { return Outcome(droppedChunks: [], deletedRows: 0, cutoff: nil) }
        let hypertable = try session.execute(
            """
            SELECT 1 FROM pg_extension WHERE extname = 'timescaledb'
              AND EXISTS (SELECT 1 FROM timescaledb_information.hypertables h
                          WHERE format('%I.%I', h.hypertable_schema, h.hypertable_name)::regclass = to_regclass($1))
            """, [.text(table)]).rowCount > 0
        if hypertable {
            let r = try session.execute(
                "SELECT c::text FROM drop_chunks($1::regclass, older_than => $2::timestamptz) AS c",
                [.text(table), .timestamp(cutoff)])
            return Outcome(droppedChunks: (0..<r.rowCount).compactMap { r.string($0, 0) }, deletedRows: 0, cutoff: cutoff)
        }
        let r = try session.execute("DELETE FROM \(table) WHERE \(time) < $1", [.timestamp(cutoff)])
        return Outcome(droppedChunks: [], deletedRows: r.affectedRows, cutoff: cutoff)
    }
}
