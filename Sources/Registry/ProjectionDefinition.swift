import Events
import Logging
import Postgres
import Processor
import Projections
import QueryService

/// One projection, declared once: its name, what it reads and writes (topics, tables), and how to run it.
/// Everything that works on "every projection" (the CLI, the migrator's checks, benchmarks, tests, and the
/// rebuilds to come) reads it from here, so adding a projection changes no signature elsewhere.
///
/// The fold (`Projection`) stays pure, and the store holds its I/O; the definition ties them to their tables
/// and topics, and makes a worker for any deployment (topic prefix) and placement (where its tables live).
public struct ProjectionDefinition: Sendable {
    /// Stable name: the consumer group, the offsets' owner.
    public let name: String
    /// One line for `--help` and listings.
    public let summary: String
    /// The topics it folds.
    public let inputTopics: [Topic]
    /// The topics its derived events go to.
    public let derivedTopics: [Topic]
    /// Those of them `GET /v1/stream` serves, with their event types.
    public let streams: [StreamedTopic]
    /// The state changes it announces on the stream (its worker notifies each commit's changed keys).
    public let changes: [StreamedChange]
    /// Where its undecodable or refused records go.
    public let deadLetterTopic: Topic
    /// Its tables, every one it writes.
    public let tables: [TableDefinition]
    /// How long its hypertables keep their rows (none: forever).
    public let retention: [Retention]
    private let makeRoutes: (@Sendable (PGPool, any TableNaming) -> any ReadRoutes)?
    private let refusals: @Sendable (TopicNames, String) -> Bool
    /// Called after each commit with the batch's ingest times, when it was polled and when it committed (µs).
    public typealias CommitProbe = @Sendable (_ ingestTimes: [Int64], _ polledAt: Int64, _ committedAt: Int64) -> Void
    private let makeWorker: @Sendable (_ topics: TopicNames, _ mode: WorkerMode, _ settings: ProcessorSettings,
                                       _ runtime: RuntimeTables, _ logger: Logger, _ onCommit: CommitProbe?) -> any BlockingRunner

    /// Whether the fold dead-letters the records of `topic` (a deployment's name) it refuses
    /// (`Projection.deadLettersRefusals(from:)`).
    public func deadLettersRefusals(from topic: String, topics: TopicNames = .standard) -> Bool { refusals(topics, topic) }

    /// - Parameters:
    ///   - store: the projection's store for a deployment's topic names and a table placement.
    ///   - routes: its read endpoints over the tables named by a `TableNaming` (nil: it serves none).
    public init<Store: ProjectionStore>(
        summary: String, derivedTopics: [Topic], streams: [StreamedTopic] = [], changes: [StreamedChange] = [], deadLetterTopic: Topic, tables: [TableDefinition], retention: [Retention] = [],
        store: @escaping @Sendable (TopicNames, TablePlacement) -> Store,
        routes: (@Sendable (PGPool, any TableNaming) -> any ReadRoutes)?
    ) {
        self.makeRoutes = routes
        self.refusals = { topics, topic in store(topics, .live).projection.deadLettersRefusals(from: topic) }
        let standard = store(.standard, .live).projection
        self.name = standard.name
        self.summary = summary
        // Read from the fold itself, so the two can never disagree.
        self.inputTopics = standard.inputTopics.map { name in
            guard let topic = TopicNames.standard.topic(named: name) else {
                preconditionFailure("projection \(standard.name) reads '\(name)', which is not in the topic catalog")
            }
            return topic
        }
        self.derivedTopics = derivedTopics
        for s in streams {
            precondition(derivedTopics.contains(s.topic), "projection \(standard.name) streams \(s.topic.baseName), not one of its derived topics")
        }
        self.streams = streams
        self.changes = changes.map { var c = $0; c.projection = standard.name; return c }
        self.deadLetterTopic = deadLetterTopic
        self.tables = tables
        for r in retention {
            precondition(tables.contains(r.table), "projection \(standard.name): retention of \(r.table.name), not one of its tables")
        }
        self.retention = retention
        self.makeWorker = { topics, mode, settings, runtime, logger, onCommit in
            var settings = settings
            settings.deadLetterTopic = topics[deadLetterTopic]
            let worker = ProjectionWorker(
                store: { placement in store(topics, placement) }, mode: mode, settings: settings, tables: runtime, logger: logger)
            worker.onCommit = onCommit
            worker.announcesChanges = !changes.isEmpty
            return worker
        }
    }

    /// A worker folding this projection for the deployment `topics`: the live member of its group by default
    /// (into the active version, following promotions), or pinned to a placement, or rebuilding a version.
    /// - Parameter onCommit: the benchmark's produce-to-visible probe; nil in production.
    public func worker(
        topics: TopicNames, mode: WorkerMode = .live, settings: ProcessorSettings,
        runtime: RuntimeTables = RuntimeTables(), logger: Logger, onCommit: CommitProbe? = nil
    ) -> any BlockingRunner {
        makeWorker(topics, mode, settings, runtime, logger, onCommit)
    }

    /// A worker folding into the tables at `placement`, whatever version is active (tests, benchmarks).
    public func worker(
        topics: TopicNames, placement: TablePlacement, settings: ProcessorSettings,
        runtime: RuntimeTables = RuntimeTables(), logger: Logger, onCommit: CommitProbe? = nil
    ) -> any BlockingRunner {
        makeWorker(topics, .pinned(placement), settings, runtime, logger, onCommit)
    }

    /// Its read endpoints over the tables `tables` names (nil when it serves none), with how far it has folded
    /// (its version's offsets: the query service's ETags).
    public func routes(pool: PGPool, tables: any TableNaming = TablePlacement.live) -> (any ReadRoutes)? {
        guard let routes = makeRoutes?(pool, tables) else { return nil }
        let (name, first) = (self.name, self.tables.first?.name ?? "")
        let freshness = ProjectionFreshness.offsets(projection: name, pool: pool) { RuntimeTables().at(tables.placement(of: first)).offsets }
        return ProjectionReadRoutes(routes, freshness: freshness)
    }

    /// The table of this projection with the logical name `name`.
    public func table(_ name: String) -> TableDefinition? { tables.first { $0.name == name } }
}
