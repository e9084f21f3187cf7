import Logging
import Postgres
import Processor
import Projections
import Registry

/// Makes and removes the tables of a projection version.
///
/// A new version's tables are made by the same migrations as the live ones, run into the version's schema
/// (so a version built by changed code has that code's tables), keeping the projection's own tables and its
/// offsets. Its secondary indexes are dropped for the bulk load and created again once it has caught up
/// (`createDeferredIndexes`); primary keys stay, since writes conflict on them.
public struct VersionTables: Sendable {
    public let definition: ProjectionDefinition
    public let runtime: RuntimeTables
    public let migrations: String
    let logger: Logger

    public init(definition: ProjectionDefinition, runtime: RuntimeTables = RuntimeTables(), migrations: String, logger: Logger) {
        self.definition = definition
        self.runtime = runtime
        self.migrations = migrations
        self.logger = logger
    }

    /// Creates `version`'s tables if they are missing (idempotent: a resumed rebuild runs it again) and
    /// defers their secondary indexes; returns the deferred index definitions (recorded on the version).
    public func create(_ version: ProjectionVersion, deferringIndexes: Bool = true, session: PGSession) throws -> [String] {
        let placement = version.placement
        guard let schema = placement.schema else {
            throw PGError(kind: .misuse, message: "version 1 of \(definition.name) is the original set of tables; it is never created")
        }
        var scratch = runtime.at(placement)
        // Migrations also make the outbox: a scratch one in the version's schema, dropped below (the shared
        // outbox is never touched by a rebuild).
        scratch.outbox = schema + ".turnstile_outbox"
        let all = Migrator(directory: migrations, tables: ProjectionRegistry.tables, runtime: scratch, placement: placement, logger: logger)
        let report = try all.migrate(session, verifying: false)
        let own = Set(definition.tables.map(\.name))
        for table in ProjectionRegistry.tables where !own.contains(table.name) {
            _ = try session.execute("DROP TABLE IF EXISTS \(placement[table]) CASCADE")
        }
        _ = try session.execute("DROP TABLE IF EXISTS \(scratch.outbox) CASCADE")
        try Migrator(directory: migrations, tables: definition.tables, runtime: scratch, placement: placement, logger: logger)
            .verify(session, timescale: report.timescale)
        guard deferringIndexes else { return [] }
        return try deferIndexes(version, already: version.deferredIndexes, session: session)
    }

    /// Drops the non-unique indexes of the version's tables, returning their definitions (with those deferred
    /// before, by a run that was stopped).
    func deferIndexes(_ version: ProjectionVersion, already: [String], session: PGSession) throws -> [String] {
        let placement = version.placement
        let r = try session.execute(
            """
            SELECT format('%I.%I', n.nspname, c.relname), pg_get_indexdef(i.indexrelid)
            FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE i.indrelid = ANY($1::regclass[]) AND NOT i.indisunique AND NOT i.indisprimary
            ORDER BY 1
            """, [.textArray(definition.tables.map { placement[$0] })])
        var deferred = already
        for row in 0..<r.rowCount {
            guard let name = r.string(row, 0), let sql = r.string(row, 1) else { continue }
            if !deferred.contains(sql) { deferred.append(sql) }
            _ = try session.execute("DROP INDEX IF EXISTS \(name)")
        }
        return deferred
    }

    /// Creates the indexes deferred for the bulk load.
    public func createDeferredIndexes(_ indexes: [String], session: PGSession) throws {
        for sql in indexes {
            // `CREATE INDEX name ON …` as pg_get_indexdef writes it; a rerun after a stop finds some made.
            let idempotent = sql.hasPrefix("CREATE INDEX ") ? "CREATE INDEX IF NOT EXISTS " + sql.dropFirst("CREATE INDEX ".count) : sql
            _ = try session.execute(idempotent)
        }
    }

    /// Drops `version`'s tables and offsets. Version 1 (the original tables) is dropped table by table; any
    /// other with its schema.
    public func drop(_ version: ProjectionVersion, session: PGSession) throws {
        let placement = version.placement
        if let schema = placement.schema {
            _ = try session.execute("DROP SCHEMA IF EXISTS \(schema) CASCADE")
        } else {
            for table in definition.tables { _ = try session.execute("DROP TABLE IF EXISTS \(placement[table]) CASCADE") }
            _ = try session.execute("DELETE FROM \(runtime.offsets) WHERE projection = $1", [.text(definition.name)])
        }
    }
}
