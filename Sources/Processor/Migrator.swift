import Foundation
import Logging
import Postgres
import Projections

/// Applies the ordered SQL migrations of `projections/migrations` once each, recording them in a table.
///
/// Files are templates: `{{name}}` is a table name from `RuntimeTables`/`ParksTables`/`MotorsportTables`/`ParkingTables`, and a line
/// `--! hypertable TABLE COLUMN INTERVAL` makes TABLE a hypertable when TimescaleDB is installed (on plain
/// PostgreSQL the table stays an ordinary table: detected, not failed).
public struct Migrator: Sendable {
    public var directory: String
    public var placeholders: [String: String]
    public var migrationsTable: String
    let logger: Logger

    public init(directory: String, runtime: RuntimeTables = RuntimeTables(), parks: ParksTables = ParksTables(),
                motorsport: MotorsportTables = MotorsportTables(), parking: ParkingTables = ParkingTables(), logger: Logger) {
        self.directory = directory
        self.placeholders = runtime.placeholders.merging(parks.placeholders) { a, _ in a }
            .merging(motorsport.placeholders) { a, _ in a }
            .merging(parking.placeholders) { a, _ in a }
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

    /// Resolves placeholders; unknown ones are errors, so a typo never creates a stray table.
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
            out += table
            rest = rest[close.upperBound...]
        }
        return out + rest
    }

    public func migrate(_ session: PGSession) throws -> Report {
        var report = Report()
        // One migrator at a time (two processors starting together).
        _ = try session.execute("SELECT pg_advisory_lock(7420001)")
        defer { _ = try? session.execute("SELECT pg_advisory_unlock(7420001)") }
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
        return report
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
    public var description: String { "migration \(file): \(reason)" }
}
