import Foundation
import Logging
import Postgres
import Projections

/// Applies the ordered SQL migrations of `projections/migrations` once each, recording them in a table.
///
/// Files are templates: `{{name}}` is a runtime table (`RuntimeTables`) or the logical name of a declared table
/// (every registered projection's, in practice), resolved through the placement; a line `--! hypertable TABLE COLUMN INTERVAL` makes
/// TABLE a hypertable when TimescaleDB is installed (on plain PostgreSQL the table stays an ordinary table:
/// detected, not failed). After migrating, every declared table is checked against its declaration
/// (`verify`): a migration and a declaration that disagree stop the processor before it writes a row.
public struct Migrator: Sendable {
    public var directory: String
    public var placeholders: [String: String]
    public var migrationsTable: String
    /// The declared tables, with where each one is (a projection's active version may live in a schema).
    public let tables: [TableDefinition]
    public let names: TableDirectory
    /// The query service's read-only role, granted reads on every schema migrated (nil: none is made).
    public var queryRole: QueryRole? = QueryRole()
    let logger: Logger

    public init(
        directory: String, tables: [TableDefinition], runtime: RuntimeTables = RuntimeTables(),
        placement: TablePlacement = .live, logger: Logger
    ) {
        self.init(directory: directory, tables: tables, runtime: runtime, names: TableDirectory(fallback: placement), logger: logger)
    }

    public init(directory: String, tables: [TableDefinition], runtime: RuntimeTables, names: TableDirectory, logger: Logger) {
        self.directory = directory
        self.tables = tables
        self.names = names
        var placeholders = runtime.placeholders
        for table in tables { placeholders[table.name] = names[table] }
        self.placeholders = placeholders
        self.migrationsTable = runtime.migrations
        self.logger = logger
    }

    public struct Report: Sendable {
        public var applied: [String] = []
        public var alreadyApplied: [String] = []
        public var timescale: Bool = false
    }

    public func files() throws -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".sql") }.sorted()
        } catch {
            throw MigrationError(file: directory, reason: "cannot list migrations (\(error)); pass --migrations-dir")
        }
    }

    /// Resolves placeholders; unknown ones are errors, so a typo never creates a stray table. A placeholder that
    /// starts a longer name (`{{wait_times}}_time_idx`: an index, a constraint) resolves without its schema:
    /// such objects live in their table's schema and cannot be named with one.
    public func render(_ sql: String, file: String) throws -> String {
        var out = ""
        var rest = Substring(sql)
        while let open = rest.range(of: "{{") {
            out += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                throw MigrationError(file: file, reason: "unclosed {{")
            }
            let name = String(rest[open.upperBound..<close.lowerBound]).trimmingCharacters(in: .whitespaces)
            guard let table = placeholders[name] else {
                throw MigrationError(file: file, reason: "unknown table placeholder {{\(name)}}")
            }
            rest = rest[close.upperBound...]
            if rest.first == "_", let dot = table.lastIndex(of: ".") {
                out += table[table.index(after: dot)...]
            } else {
                out += table
            }
        }
        return out + rest
    }

    /// Applies what is missing, then checks the declared tables (`verify`; off only to stage an old schema).
    public func migrate(_ session: PGSession, verifying: Bool = true) throws -> Report {
        var report = Report()
        // One migrator at a time (two processors starting together).
        _ = try session.execute("SELECT pg_advisory_lock(7420001)")
        defer { _ = try? session.execute("SELECT pg_advisory_unlock(7420001)") }
        let schemas = Set(tables.compactMap { names.placement(of: $0.name).schema })
            .union([names.fallback.schema, Self.schema(of: migrationsTable)].compactMap { $0 })
        for schema in schemas.sorted() { _ = try session.execute("CREATE SCHEMA IF NOT EXISTS \(schema)") }
        _ = try session.execute(
            "CREATE TABLE IF NOT EXISTS \(migrationsTable) (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())")
        let available = try session.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb'")
        if available.rowCount > 0 {
            do {
                _ = try session.execute("CREATE EXTENSION IF NOT EXISTS timescaledb")
                report.timescale = true
            } catch {
                logger.warning("TimescaleDB is available but could not be enabled; using plain tables", metadata: ["error": "\(error)"])
            }
        }
        for file in try files() {
            let done = try session.execute("SELECT 1 FROM \(migrationsTable) WHERE name = $1", [.text(file)])
            if done.rowCount > 0 {
                report.alreadyApplied.append(file)
                continue
            }
            guard let data = FileManager.default.contents(atPath: directory + "/" + file),
                  let text = String(data: data, encoding: .utf8) else {
                throw MigrationError(file: file, reason: "cannot read the file")
            }
            let sql = try render(text, file: file)
            try session.transaction { s in
                for statement in try statements(sql, file: file, timescale: report.timescale) {
                    _ = try s.execute(statement)
                }
                _ = try s.execute("INSERT INTO \(migrationsTable) (name) VALUES ($1)", [.text(file)])
            }
            logger.info("applied migration", metadata: ["file": "\(file)"])
            report.applied.append(file)
        }
        try queryRole?.grant(onSchemas: (schemas.union(["public"])).sorted(), session: session, logger: logger)
        if verifying { try verify(session, timescale: report.timescale) }
        return report
    }

    /// Checks every declared table against the database: each declared column exists with its type and
    /// nullability, the key is the primary key, and a declared hypertable is one (when TimescaleDB is on).
    /// Undeclared columns are allowed only when generated (the table computes them) or when they have a
    /// default (nothing the processor writes).
    public func verify(_ session: PGSession, timescale: Bool) throws {
        var problems: [String] = []
        for table in tables {
            let name = names[table]
            let columns = try session.execute(
                """
                SELECT a.attname, format_type(a.atttypid, a.atttypmod), NOT a.attnotnull, a.attgenerated <> '', a.atthasdef
                FROM pg_attribute a WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped
                ORDER BY a.attnum
                """, [.text(name)])
            guard columns.rowCount > 0 else {
                problems.append("\(name): missing (no migration creates {{\(table.name)}})")
                continue
            }
            var actual: [String: (type: String, nullable: Bool, generated: Bool, hasDefault: Bool)] = [:]
            for row in 0..<columns.rowCount {
                actual[columns.string(row, 0) ?? ""] = (
                    columns.string(row, 1) ?? "", try columns.bool(row, 2) ?? false, try columns.bool(row, 3) ?? false,
                    try columns.bool(row, 4) ?? false)
            }
            for column in table.columns {
                guard let found = actual.removeValue(forKey: column.name) else {
                    problems.append("\(name).\(column.name): declared, but the table has no such column")
                    continue
                }
                if found.type != column.type.sql {
                    problems.append("\(name).\(column.name): declared \(column.type.sql), the table has \(found.type)")
                }
                if found.nullable != column.nullable {
                    problems.append("\(name).\(column.name): declared \(column.nullable ? "nullable" : "NOT NULL"), the table's is \(found.nullable ? "nullable" : "NOT NULL")")
                }
            }
            for (column, found) in actual where !found.generated && !found.hasDefault && !found.nullable {
                problems.append("\(name).\(column): NOT NULL without a default, but not declared (the processor never writes it)")
            }
            if !table.key.isEmpty {
                let key = try session.execute(
                    """
                    SELECT a.attname FROM pg_index i
                    JOIN unnest(i.indkey) WITH ORDINALITY AS k(attnum, n) ON true
                    JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
                    WHERE i.indrelid = to_regclass($1) AND i.indisprimary ORDER BY k.n
                    """, [.text(name)])
                let primary = (0..<key.rowCount).map { key.string($0, 0) ?? "" }
                if Set(primary) != Set(table.key) {
                    problems.append("\(name): declared key (\(table.key.joined(separator: ", "))), primary key (\(primary.joined(separator: ", ")))")
                }
            }
            if timescale, let hypertable = table.hypertable {
                let found = try session.execute(
                    """
                    SELECT d.column_name FROM timescaledb_information.dimensions d
                    WHERE format('%I.%I', d.hypertable_schema, d.hypertable_name)::regclass = to_regclass($1)
                    """, [.text(name)])
                let time = (0..<found.rowCount).map { found.string($0, 0) ?? "" }
                if !time.contains(hypertable.timeColumn) {
                    problems.append("\(name): declared a hypertable on \(hypertable.timeColumn), but it is not one (add '--! hypertable {{\(table.name)}} \(hypertable.timeColumn) \(hypertable.chunkInterval)' to its migration)")
                }
            }
        }
        guard problems.isEmpty else {
            throw MigrationError(
                file: directory,
                reason: "the tables do not match their declarations; write a migration that brings them in line:\n  "
                    + problems.joined(separator: "\n  "))
        }
    }

    static func schema(of table: String) -> String? {
        guard let dot = table.lastIndex(of: ".") else { return nil }
        return String(table[..<dot])
    }

    /// The script as one statement, plus a `create_hypertable` call after each directive when Timescale is on.
    public func statements(_ sql: String, file: String, timescale: Bool) throws -> [String] {
        var result: [String] = []
        var chunk: [Substring] = []
        for line in sql.split(separator: "\n", omittingEmptySubsequences: false) {
            guard line.hasPrefix("--! hypertable") else {
                chunk.append(line)
                continue
            }
            let parts = line.split(separator: " ")
            guard parts.count >= 5 else {
                throw MigrationError(file: file, reason: "expected '--! hypertable TABLE COLUMN INTERVAL': \(line)")
            }
            result.append(chunk.joined(separator: "\n"))
            chunk = []
            if timescale {
                let interval = parts[4...].joined(separator: " ")
                result.append(
                    "SELECT create_hypertable('\(parts[2])', '\(parts[3])', chunk_time_interval => interval '\(interval)', if_not_exists => true, migrate_data => true)")
            }
        }
        result.append(chunk.joined(separator: "\n"))
        // A chunk of only comments is an empty query to the server.
        return result.filter { chunk in
            chunk.split(separator: "\n").contains { line in
                let t = line.trimmingCharacters(in: .whitespaces)
                return !t.isEmpty && !t.hasPrefix("--")
            }
        }
    }
}

public struct MigrationError: Error, CustomStringConvertible {
    public var file: String
    public var reason: String

    public init(file: String, reason: String) {
        self.file = file
        self.reason = reason
    }
    public var description: String { "migration \(file): \(reason)" }
}
