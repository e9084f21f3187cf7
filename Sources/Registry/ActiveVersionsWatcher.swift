import Logging
import Postgres
import Processor
import Projections
import ServiceLifecycle

/// Keeps the query service reading each projection's active version: refreshes a `SharedTableDirectory` from
/// the version table a few times a second, so a promotion reaches every query service within a fraction of a
/// second (requests meanwhile read the previous version, complete and consistent, never a half-built one).
public struct ActiveVersionsWatcher: Service {
    public let directory: SharedTableDirectory
    let pool: PGPool
    let versions: ProjectionVersions
    let interval: Duration
    let logger: Logger

    public init(
        directory: SharedTableDirectory, pool: PGPool, versions: ProjectionVersions = ProjectionVersions(),
        interval: Duration = .milliseconds(250), logger: Logger
    ) {
        self.directory = directory
        self.pool = pool
        self.versions = versions
        self.interval = interval
        self.logger = logger
    }

    /// Reads the active versions once.
    public func refresh() async throws {
        let versions = self.versions
        let active = try await pool.withConnection { connection in
            try await connection.withSession { s in
                try versions.list(known: ProjectionRegistry.names, session: s).filter { $0.status == .active }
            }
        }
        let next = ProjectionRegistry.directory(active)
        if next != directory.directory {
            logger.notice("reading new projection versions", metadata: [
                "versions": "\(active.filter { $0.number > 1 }.map { "\($0.projection)=v\($0.number)" })",
            ])
            directory.directory = next
        }
    }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await refresh()
            } catch is CancellationError {
                return
            } catch {
                logger.warning("cannot read the projection versions; keeping the current ones", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: interval)
        }
    }
}
