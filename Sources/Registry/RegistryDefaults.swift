import APIDescription
import Logging
import Postgres
import Processor
import Projections
import QueryService

// The runtime's parts take the projections they work on as arguments; these are the registered ones.

extension Migrator {
    /// Migrates and verifies the tables of every registered projection.
    public init(directory: String, runtime: RuntimeTables = RuntimeTables(), placement: TablePlacement = .live, logger: Logger) {
        self.init(directory: directory, tables: ProjectionRegistry.tables, runtime: runtime, placement: placement, logger: logger)
    }

    /// Migrates the tables of every registered projection where its active version lives (a promoted
    /// version's schema), so that a new migration changes the tables the live processor writes.
    public static func forActiveVersions(
        directory: String, runtime: RuntimeTables = RuntimeTables(), session: PGSession, logger: Logger
    ) throws -> Migrator {
        var names = TableDirectory()
        if try session.execute("SELECT to_regclass($1) IS NOT NULL", [.text(runtime.versions)]).bool(0, 0) == true {
            names = ProjectionRegistry.directory(
                try ProjectionVersions(table: runtime.versions).list(known: ProjectionRegistry.names, session: session))
        }
        return Migrator(directory: directory, tables: ProjectionRegistry.tables, runtime: runtime, names: names, logger: logger)
    }
}

extension QueryService {
    /// The read endpoints of every registered projection, over the tables `tables` names.
    public init(
        pool: PGPool, tables: any TableNaming = TablePlacement.live, otherOperations: [APIOperation] = [],
        readiness: @escaping ReadinessCheck, metrics: @escaping MetricsExporter, version: String = "1.0.0"
    ) {
        self.init(
            routes: ProjectionRegistry.routes(pool: pool, tables: tables), otherOperations: otherOperations, readiness: readiness,
            metrics: metrics, version: version)
    }
}
