import Foundation
import Logging
import Metrics
import Postgres
import Processor
import Projections
import Synchronization

/// The processor's maintenance loop for retention: every `interval`, each projection's hypertables with a
/// declared `Retention` lose the chunks older than their window, in the projection's active version. Each
/// dropped chunk is logged and counted (`turnstile_retention_chunks_dropped_total{projection,table}`).
///
/// TimescaleDB's own background retention policies are not in its Apache build; this needs none. Several
/// processors may run it: rounds take turns on an advisory lock, and a second round finds nothing to drop.
public final class RetentionRunner: BlockingRunner {
    let definitions: [ProjectionDefinition]
    let databaseURL: String
    let interval: Duration
    let versions: ProjectionVersions
    let logger: Logger
    private let stopped = Atomic<Bool>(false)
    private let rounds = Atomic<Int>(0)

    public init(
        definitions: [ProjectionDefinition], databaseURL: String, interval: Duration, versions: ProjectionVersions = ProjectionVersions(),
        logger: Logger
    ) {
        self.definitions = definitions.filter { !$0.retention.isEmpty }
        self.databaseURL = databaseURL
        self.interval = interval
        self.versions = versions
        self.logger = logger
    }

    public var name: String { "retention" }
    public var healthName: String { "retention" }
    public var upMetric: (label: String, dimensions: [(String, String)]) { ("turnstile_retention_up", []) }
    public var progress: Int { rounds.load(ordering: .relaxed) }

    public func stop() { stopped.store(true, ordering: .relaxed) }

    public func run() throws {
        while !stopped.load(ordering: .relaxed) {
            let session = try PGSession.connect(url: databaseURL, logger: logger)
            defer { session.close() }
            _ = try session.execute("SELECT pg_advisory_lock(7420003)")
            for definition in definitions {
                let active = try versions.active(definition.name, session: session)
                try Self.enforce(definition, at: active.placement, session: session, logger: logger)
            }
            _ = try session.execute("SELECT pg_advisory_unlock(7420003)")
            rounds.add(1, ordering: .relaxed)
            // Sleep in short steps: a stop must not wait for the next round.
            let until = ContinuousClock.now + interval
            while ContinuousClock.now < until, !stopped.load(ordering: .relaxed) { Thread.sleep(forTimeInterval: 0.1) }
        }
    }

    /// Applies every retention of `definition` to its tables at `placement` (a rebuild applies it to its
    /// version before it is promoted or marked ready, so both versions keep the same rows).
    @discardableResult
    public static func enforce(
        _ definition: ProjectionDefinition, at placement: TablePlacement, session: PGSession, logger: Logger
    ) throws -> [String: RetentionEnforcer.Outcome] {
        var outcomes: [String: RetentionEnforcer.Outcome] = [:]
        for retention in definition.retention {
            let outcome = try RetentionEnforcer.enforce(retention, placement: placement, session: session)
            outcomes[retention.table.name] = outcome
            let counter = Counter(
                label: "turnstile_retention_chunks_dropped_total",
                dimensions: [("projection", definition.name), ("table", retention.table.name)])
            for chunk in outcome.droppedChunks {
                counter.increment()
                logger.notice("retention: dropped a chunk", metadata: [
                    "projection": "\(definition.name)", "table": "\(placement[retention.table])", "chunk": "\(chunk)",
                    "keep": "\(retention.keep)",
                ])
            }
            if outcome.deletedRows > 0 {
                logger.notice("retention: deleted rows", metadata: [
                    "projection": "\(definition.name)", "table": "\(placement[retention.table])", "rows": "\(outcome.deletedRows)",
                    "keep": "\(retention.keep)",
                ])
            }
        }
        return outcomes
    }
}
