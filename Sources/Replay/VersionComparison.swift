import Postgres
import Processor
import Projections
import Registry

/// The checksum of a projection version: every table's order-independent checksum over its declared
/// columns (wall-clock columns such as `processed_at` are defaults, never declared, so they are left out),
/// and one digest of them all.
public struct VersionChecksum: Sendable, Equatable {
    public var projection: String
    public var version: Int
    public var tables: [TableChecksum]
    public var digest: String

    public static func of(_ definition: ProjectionDefinition, version: ProjectionVersion, session: PGSession) throws -> VersionChecksum {
        let tables = try definition.tables.map { try TableChecksum.of($0, placement: version.placement, session: session) }
        let lines = tables.map { "\($0.table):\($0.rows):\($0.md5)" }.joined(separator: "\n")
        let digest = try session.execute("SELECT md5($1)", [.text(lines)]).string(0, 0) ?? ""
        return VersionChecksum(projection: definition.name, version: version.number, tables: tables, digest: digest)
    }
}

/// How two versions of a projection differ, table by table: row counts, checksums, and a sample of the keys
/// of rows found in one version and not (or not the same) in the other.
public struct VersionDiff: Sendable {
    public struct Table: Sendable {
        public var name: String
        public var a: TableChecksum
        public var b: TableChecksum
        /// Keys (as row text) of rows of A that B lacks or holds otherwise, and the reverse (a sample).
        public var onlyInA: [String]
        public var onlyInB: [String]
        public var identical: Bool { a.rows == b.rows && a.md5 == b.md5 }
    }

    public var projection: String
    public var a: Int
    public var b: Int
    public var tables: [Table]
    public var identical: Bool { tables.allSatisfy(\.identical) }

    public static func between(
        _ definition: ProjectionDefinition, _ a: ProjectionVersion, _ b: ProjectionVersion, sample: Int = 5, session: PGSession
    ) throws -> VersionDiff {
        var tables: [Table] = []
        for table in definition.tables {
            let ca = try TableChecksum.of(table, placement: a.placement, session: session)
            let cb = try TableChecksum.of(table, placement: b.placement, session: session)
            var entry = Table(name: table.name, a: ca, b: cb, onlyInA: [], onlyInB: [])
            if !entry.identical {
                entry.onlyInA = try differing(table, from: a.placement, to: b.placement, sample: sample, session: session)
                entry.onlyInB = try differing(table, from: b.placement, to: a.placement, sample: sample, session: session)
            }
            tables.append(entry)
        }
        return VersionDiff(projection: definition.name, a: a.number, b: b.number, tables: tables)
    }

    /// Keys of rows of `table` at `from` that `to` lacks (a key's row, or the whole row when the table has no
    /// key), in key order.
    static func differing(
        _ table: TableDefinition, from: TablePlacement, to: TablePlacement, sample: Int, session: PGSession
    ) throws -> [String] {
        let columns = table.columnNames.joined(separator: ", ")
        let key = (table.key.isEmpty ? table.columnNames : table.key).joined(separator: ", ")
        let r = try session.execute(
            """
            SELECT k FROM (
                SELECT ROW(\(key))::text AS k FROM (
                    SELECT \(columns) FROM \(from[table]) EXCEPT ALL SELECT \(columns) FROM \(to[table])
                ) AS d
            ) AS keys ORDER BY k COLLATE "C" LIMIT \(max(1, sample))
            """)
        return (0..<r.rowCount).compactMap { r.string($0, 0) }
    }
}
