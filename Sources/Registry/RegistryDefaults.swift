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
}

extension QueryService {
    /// The read endpoints of every registered projection, over the tables at `placement`.
    public init(
        pool: PGPool, placement: TablePlacement = .live, readiness: @escaping ReadinessCheck, metrics: @escaping MetricsExporter
    ) {
        self.init(routes: ProjectionRegistry.routes(pool: pool, placement: placement), readiness: readiness, metrics: metrics)
    }
}
