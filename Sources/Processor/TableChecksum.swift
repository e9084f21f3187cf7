import Postgres
import Projections

/// An order-independent fingerprint of a projection table's rows: its row count and the MD5 of its declared
/// columns' values, rows sorted by their text. Two versions of a projection hold the same data exactly when
/// every table's checksum matches (generated columns are derived from the declared ones, so they are left out).
public struct TableChecksum: Sendable, Equatable, CustomStringConvertible {
    public let table: String
    public let rows: Int64
    public let md5: String

    public init(table: String, rows: Int64, md5: String) {
        self.table = table
        self.rows = rows
        self.md5 = md5
    }

    public static func of(_ table: TableDefinition, placement: TablePlacement = .live, session: PGSession) throws -> TableChecksum {
        let columns = table.columnNames.joined(separator: ", ")
        let r = try session.execute(
            """
            SELECT count(*), md5(coalesce(string_agg(r, E'\\n' ORDER BY r COLLATE "C"), ''))
            FROM (SELECT ROW(\(columns))::text AS r FROM \(placement[table])) AS t
            """)
        return TableChecksum(table: table.name, rows: try r.int(0, 0) ?? 0, md5: r.string(0, 1) ?? "")
    }

    public var description: String { "\(table): \(rows) rows, md5 \(md5)" }
}
