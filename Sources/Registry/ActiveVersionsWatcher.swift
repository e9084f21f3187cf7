import Events
import Logging
import Metrics
import Postgres
import Processor
import Projections
import ServiceLifecycle

/// Keeps the query service reading each projection's active version: refreshes a `SharedTableDirectory` from
/// the version table when a promotion's commit notifies it (LISTEN, within tens of milliseconds), and every
/// `interval` anyway (a notification lost with a connection). Requests in between read the previous version,
/// complete and consistent, never a half-built one.
///
/// It also publishes what the version table says to `/metrics`: the active version of each projection
/// (`turnstile_projection_active_version`) and, for versions being rebuilt, the records left and the rate of
/// their last progress report (`turnstile_rebuild_records_left`, `turnstile_rebuild_events_per_second`), which a
/// `turnstile replay` anywhere writes once a second.
public struct ActiveVersionsWatcher: Service {
    public let directory: SharedTableDirectory
    let pool: PGPool
    /// Where to LISTEN for promotions (nil: refresh every `interval` only).
    let databaseURL: String?
    let versions: ProjectionVersions
    let interval: Duration
    let logger: Logger

    public init(
        directory: SharedTableDirectory, pool: PGPool, databaseURL: String?, versions: ProjectionVersions = ProjectionVersions(),
        interval: Duration = .seconds(5), logger: Logger
    ) {
        self.directory = directory
        self.pool = pool
        self.databaseURL = databaseURL
        self.versions = versions
        self.interval = interval
        self.logger = logger
    }

    /// Reads the active versions once.
    public func refresh() async throws {
        let versions = self.versions
        let all = try await pool.withConnection { connection in
            try await connection.withSession { s in try versions.list(known: ProjectionRegistry.names, session: s) }
        }
        let active = all.filter { $0.status == .active }
        Self.record(all)
        let next = ProjectionRegistry.directory(active)
        if next != directory.directory {
            logger.notice("reading new projection versions", metadata: [
                "versions": "\(active.filter { $0.number > 1 }.map { "\($0.projection)=v\($0.number)" })",
            ])
            directory.directory = next
        }
    }

    /// The version table as gauges.
    static func record(_ versions: [ProjectionVersion]) {
        for v in versions {
            if v.status == .active {
                Gauge(label: "turnstile_projection_active_version", dimensions: [("projection", v.projection)]).record(v.number)
            }
            guard let json = v.progress, let report = try? JSONParser.parse(Array(json.utf8)) else { continue }
            let dims = [("projection", v.projection), ("version", String(v.number))]
            // A finished or promoted version has nothing left (its last report says so).
            let left = v.status == .building ? report["left"]?.int64Value ?? 0 : 0
            Gauge(label: "turnstile_rebuild_records_left", dimensions: dims).record(left)
            Gauge(label: "turnstile_rebuild_events_per_second", dimensions: dims)
                .record(v.status == .building ? report["events_per_second"]?.doubleValue ?? 0 : 0)
        }
    }

    public func run() async throws {
        let listener = databaseURL.map {
            VersionNotificationListener(databaseURL: $0, channel: versions.notificationChannel, logger: logger)
        }
        defer { listener?.stop() }
        var last = ContinuousClock.now
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            if listener?.takePending() == true || ContinuousClock.now - last >= interval {
                last = .now
                do {
                    try await refresh()
                } catch is CancellationError {
                    return
                } catch {
                    logger.warning("cannot read the projection versions; keeping the current ones", metadata: ["error": "\(error)"])
                }
            }
            // The flag is looked at often; the table is read only when it is up or the interval has passed.
            try? await Task.sleep(for: .milliseconds(20))
        }
    }
}
