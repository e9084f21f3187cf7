import Events
import Foundation
import Kafka
import Logging
import Postgres
import Processor
import Projections
import Registry
import Synchronization

/// Rebuilds a version of a projection from the log while the live version keeps folding and serving, then
/// (unless told not to) promotes it.
///
/// 1. A new version is recorded (`building`) and its tables made in a schema of its own, secondary indexes
///    deferred. Its start offsets (`--from`) are written to its offsets table, so a rerun resumes it exactly
///    (an unfinished version is resumed rather than started again).
/// 2. A worker in rebuild mode reads every partition of the input topics (no consumer group: the live group
///    is not disturbed), folds into the version's tables and publishes nothing.
/// 3. Without promotion, it stops at the head (or at `--to`), creates the deferred indexes and marks the
///    version `ready`. With promotion, it never folds past the live version's offsets (whose derived events
///    are published), follows them, creates the deferred indexes once caught up, then, holding the live
///    version's batches off (`ProjectionVersions.lockForPromotion`), folds to exactly the live version's
///    offsets and activates the version in the same transaction. Live workers see it in their next batch's
///    fence and continue in the new version from its offsets: nothing is missed, nothing folded twice, and
///    derived events continue from where the live version published them.
public final class Rebuild: Sendable {
    public struct Options: Sendable {
        public var from: ReplayBound = .earliest
        public var to: ReplayBound = .latest
        /// Promote the version once it has caught up with the live one.
        public var promote = true
        /// Start a new version even when one is unfinished (the unfinished one is dropped).
        public var fresh = false
        /// Records per transaction (a rebuild writes few, large ones).
        public var maxBatch = 20_000
        /// How long a promotion may hold the live version's batches while the last records fold.
        public var promotionTimeout: Duration = .seconds(30)

        public init() {}
    }

    public struct Outcome: Sendable {
        public var version: ProjectionVersion
        public var promoted: Bool
        public var folded: Int
        public var seconds: Double
    }

    let definition: ProjectionDefinition
    let topics: TopicNames
    let settings: ProcessorSettings
    let runtime: RuntimeTables
    let tables: VersionTables
    let options: Options
    let logger: Logger
    /// Called about once a second, and once at the end.
    let report: @Sendable (RebuildProgress) -> Void

    public init(
        definition: ProjectionDefinition, topics: TopicNames, settings: ProcessorSettings, runtime: RuntimeTables = RuntimeTables(),
        migrations: String, options: Options, logger: Logger, report: @escaping @Sendable (RebuildProgress) -> Void = { _ in }
    ) {
        self.definition = definition
        self.topics = topics
        self.settings = settings
        self.runtime = runtime
        self.tables = VersionTables(definition: definition, runtime: runtime, migrations: migrations, logger: logger)
        self.options = options
        var logger = logger
        logger[metadataKey: "projection"] = "\(definition.name)"
        self.logger = logger
        self.report = report
    }

    var versions: ProjectionVersions { ProjectionVersions(table: runtime.versions) }
    var inputTopics: [String] { definition.inputTopics.map { topics[$0] } }

    /// Builds a new version (or resumes the unfinished one) and, with `promote`, promotes it.
    public func run() async throws -> Outcome {
        try await withDatabase { db in
            let partitions = try await partitionsOfInputs()
            try options.from.check(against: partitions)
            try options.to.check(against: partitions)
            let starts = try await offsets(of: options.from, partitions: partitions)
            let version = try await db.withSession { [self] session in
                try prepareNewOrUnfinished(session: session, starts: starts)
            }
            return try await build(version, partitions: partitions, db: db)
        }
    }

    /// Continues `number` (a version built with `--no-swap`, stopped, or retired) up to the live version and
    /// promotes it.
    public func promote(_ number: Int) async throws -> Outcome {
        try await withDatabase { db in
            let partitions = try await partitionsOfInputs()
            let version = try await db.withSession { [self] session throws -> ProjectionVersion in
                guard let found = try versions.find(definition.name, number, session: session) else {
                    throw RebuildError.noSuchVersion(definition.name, number)
                }
                guard found.status != .active else { throw RebuildError.alreadyActive(definition.name, number) }
                return found
            }
            return try await build(version, partitions: partitions, db: db)
        }
    }

    /// Folds archive files (`archive export`) into `schema`, with no broker: a what-if beside everything, not a
    /// version of the projection (never promoted, not in the version table). Rerun, it continues from the offsets
    /// in the schema.
    public func fromArchives(_ paths: [String], schema: String) async throws -> Outcome {
        let inputs = try ArchiveSource.inputs(paths: paths, topics: inputTopics)
        let partitions = inputs.flatMap { input in
            input.summary.partitions.map { KafkaTopicPartition(topic: input.topic, partition: $0.partition) }
        }
        let version = ProjectionVersion.scratch(definition.name, schema: schema)
        return try await withDatabase { db in
            _ = try await db.withSession { [self] session in try tables.create(version, deferringIndexes: false, session: session) }
            logger.notice("folding archives", metadata: ["schema": "\(schema)", "archives": "\(paths)", "partitions": "\(partitions.count)"])
            return try await build(version, partitions: partitions, db: db, archives: inputs)
        }
    }

    /// Runs `body` with a connection of the coordinator's own, closed however it ends.
    private func withDatabase(_ body: (PGConnection) async throws -> Outcome) async throws -> Outcome {
        let db = try await PGConnection.connect(url: settings.databaseURL, logger: logger)
        do {
            let outcome = try await body(db)
            await db.close()
            return outcome
        } catch {
            await db.close()
            throw error
        }
    }

    // MARK: Steps

    private func partitionsOfInputs() async throws -> [KafkaTopicPartition] {
        let kafka = settings.kafka, logger = self.logger, names = inputTopics
        let counts = try await BlockingThread.run(name: "rebuild-metadata") { () throws -> [String: Int] in
            let admin = try KafkaAdmin(config: kafka, logger: logger)
            defer { admin.close() }
            return try admin.describeTopics(names)
        }
        var partitions: [KafkaTopicPartition] = []
        for topic in names {
            guard let count = counts[topic], count > 0 else { throw RebuildError.missingTopic(topic) }
            partitions += (0..<count).map { KafkaTopicPartition(topic: topic, partition: Int32($0)) }
        }
        return partitions
    }

    /// The unfinished version of the projection if there is one (unless `fresh`), else a new one with its
    /// tables and start offsets.
    private func prepareNewOrUnfinished(session: PGSession, starts: [KafkaTopicPartition: Int64]?) throws -> ProjectionVersion {
        let existing = try versions.list(definition.name, session: session).filter { $0.status == .building }
        if let unfinished = existing.last {
            if options.fresh {
                logger.notice("dropping the unfinished version", metadata: ["version": "\(unfinished.number)"])
                try tables.drop(unfinished, session: session)
                try versions.remove(definition.name, unfinished.number, session: session)
            } else {
                logger.notice("resuming the unfinished version", metadata: ["version": "\(unfinished.number)", "from": "\(unfinished.start)"])
                var resumed = unfinished
                resumed.deferredIndexes = try tables.create(unfinished, session: session)
                try versions.setDeferredIndexes(definition.name, unfinished.number, resumed.deferredIndexes, session: session)
                return resumed
            }
        }
        var version = try versions.create(definition.name, start: options.from.description, session: session)
        version.deferredIndexes = try tables.create(version, session: session)
        try session.transaction { s in
            try versions.setDeferredIndexes(definition.name, version.number, version.deferredIndexes, session: s)
            if let starts {
                let offsets = OffsetStore(table: version.runtime(runtime).offsets, projection: definition.name)
                try offsets.advance(starts.map { ($0.key, expected: nil, next: $0.value) }, session: s)
            }
        }
        logger.notice("building a new version", metadata: ["version": "\(version.number)", "from": "\(version.start)", "schema": "\(version.placement.schema ?? "")"])
        return version
    }

    /// The offsets a bound stands for: nil for the ends of the log, the offsets given, or each partition's first
    /// offset at or after a time (checked against the records, searched where the broker answers wrongly).
    func offsets(of bound: ReplayBound, partitions: [KafkaTopicPartition]) async throws -> [KafkaTopicPartition: Int64]? {
        switch bound {
        case .earliest, .latest: return nil
        case .offsets(let offsets): return offsets
        case .time(let time):
            let kafka = settings.kafka, logger = self.logger
            return try await BlockingThread.run(name: "rebuild-time") {
                let index = try KafkaTimeIndex(config: kafka, logger: logger)
                defer { index.close() }
                var offsets: [KafkaTopicPartition: Int64] = [:]
                for tp in partitions {
                    let found = try TimeSeek.offset(of: tp, atOrAfter: time.milliseconds, in: index)
                    offsets[tp] = found.offset
                    logger.info("offset by time", metadata: [
                        "partition": "\(tp)", "time": "\(time)", "offset": "\(found.offset)", "found_by": "\(found.source.rawValue)",
                    ])
                }
                return offsets
            }
        }
    }

    /// The live (active) version's next offsets per partition.
    private func liveOffsets(session: PGSession, partitions: [KafkaTopicPartition]) throws -> [KafkaTopicPartition: Int64] {
        let active = try versions.active(definition.name, session: session)
        return try OffsetStore(table: active.runtime(runtime).offsets, projection: definition.name).load(partitions, session: session)
    }

    private func build(
        _ version: ProjectionVersion, partitions: [KafkaTopicPartition], db: PGConnection, archives: [ArchiveSource.Input]? = nil
    ) async throws -> Outcome {
        var source: (@Sendable () throws -> any RecordSource)?
        if let archives { source = { try ArchiveSource(archives) } }
        let control = RebuildControl(partitions: partitions, source: source)
        var promote = options.promote && archives == nil
        if archives == nil, let ends = try await offsets(of: options.to, partitions: partitions) {
            control.limits = ends  // a partition left out is not read
            promote = false
        }
        if promote {
            control.limits = try await db.withSession { [self] session in try liveOffsets(session: session, partitions: partitions) }
        }
        var workerSettings = settings
        workerSettings.maxBatch = options.maxBatch
        workerSettings.stopWhenIdleMs = nil
        let worker = definition.worker(
            topics: topics, mode: .rebuild(version: version, control: control), settings: workerSettings, runtime: runtime,
            logger: logger)
        let ended = WorkerEnded()
        let started = ContinuousClock.now
        let promoting = promote
        let promoted = try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                defer { ended.set() }
                try await BlockingThread.run(name: "rebuild-worker") { try worker.run() }
                return false
            }
            group.addTask { [self] in
                defer { worker.stop() }
                return try await coordinate(version, control: control, promote: promoting, db: db, workerEnded: ended, started: started)
            }
            var promoted = false
            for try await result in group { promoted = promoted || result }
            return promoted
        }
        let seconds = Self.seconds(ContinuousClock.now - started)
        var final = version
        if version.isRegistered {
            final = try await db.withSession { [self] session in try versions.find(definition.name, version.number, session: session) ?? version }
        } else {
            final.status = .ready
            final.deferredIndexes = []
        }
        return Outcome(version: final, promoted: promoted, folded: control.snapshot.folded + control.snapshot.undecodable, seconds: seconds)
    }

    /// Watches the worker until the version is done (and promoted, when asked); reports progress.
    private func coordinate(
        _ version: ProjectionVersion, control: RebuildControl, promote: Bool, db: PGConnection, workerEnded: WorkerEnded,
        started: ContinuousClock.Instant
    ) async throws -> Bool {
        var previous: RebuildControl.Snapshot?
        var lastReport = ContinuousClock.now
        var indexesMade = version.deferredIndexes.isEmpty
        var phase = RebuildProgress.Phase.rebuilding
        func progress(_ phase: RebuildProgress.Phase) -> RebuildProgress {
            let now = ContinuousClock.now
            let snapshot = control.snapshot
            let p = RebuildProgress(
                projection: definition.name, version: version.number, phase: phase, previous: previous, current: snapshot,
                limits: control.limits, partitions: control.partitions, interval: Self.seconds(now - lastReport),
                elapsed: Self.seconds(now - started), target: version.schema.map { "into \($0)" })
            previous = snapshot
            lastReport = now
            return p
        }
        func reportAndRecord(_ p: RebuildProgress) async throws {
            report(p)
            let json = p.json
            guard version.isRegistered else { return }
            try await db.withSession { [self] session in try versions.setProgress(definition.name, version.number, json: json, session: session) }
        }
        while true {
            try await Task.sleep(for: .milliseconds(100))
            if workerEnded.value { throw RebuildError.workerStopped(definition.name) }
            if ContinuousClock.now - lastReport >= .seconds(1) { try await reportAndRecord(progress(phase)) }
            if promote {
                let live = try await db.withSession { [self] session in try liveOffsets(session: session, partitions: control.partitions) }
                control.limits = live
                guard control.hasCommitted(exactly: live) else { continue }
                phase = .following
                if !indexesMade {
                    try await makeDeferredIndexes(version, db: db)
                    try await applyRetention(version, db: db)
                    indexesMade = true
                    continue
                }
                phase = .promoting
                if try await promoteNow(version, control: control, workerEnded: workerEnded) {
                    try await reportAndRecord(progress(.done))
                    return true
                }
            } else {
                guard control.reachedEnd else { continue }
                if !indexesMade {
                    try await makeDeferredIndexes(version, db: db)
                    indexesMade = true
                }
                try await applyRetention(version, db: db)
                if version.isRegistered {
                    try await db.withSession { [self] session in try versions.setStatus(definition.name, version.number, .ready, session: session) }
                }
                try await reportAndRecord(progress(.done))
                return false
            }
        }
    }

    private func makeDeferredIndexes(_ version: ProjectionVersion, db: PGConnection) async throws {
        logger.info("creating the deferred indexes", metadata: ["count": "\(version.deferredIndexes.count)"])
        try await db.withSession { [self] session in
            try tables.createDeferredIndexes(version.deferredIndexes, session: session)
            if version.isRegistered { try versions.setDeferredIndexes(definition.name, version.number, [], session: session) }
        }
    }

    /// The projection's retention, applied to the version as the live processor applies it to the live one
    /// (windows count back from each table's newest row, so both keep the same chunks).
    private func applyRetention(_ version: ProjectionVersion, db: PGConnection) async throws {
        guard !definition.retention.isEmpty else { return }
        _ = try await db.withSession { [self] session in
            try RetentionRunner.enforce(definition, at: version.placement, session: session, logger: logger)
        }
    }

    /// Holds the live version's batches, lets the worker fold to exactly the live offsets, and activates the
    /// version, in one transaction on a session of its own. False when the worker did not get there within
    /// the timeout (the transaction rolls back; the caller tries again).
    private func promoteNow(_ version: ProjectionVersion, control: RebuildControl, workerEnded: WorkerEnded) async throws -> Bool {
        let url = settings.databaseURL, logger = self.logger, timeout = options.promotionTimeout
        return try await BlockingThread.run(name: "rebuild-promote") { [self] in
            let s = try PGSession.connect(url: url, logger: logger)
            defer { s.close() }
            do {
                try s.transaction { s in
                    try versions.lockForPromotion(definition.name, session: s)
                    // Live batches now wait at their fence: these offsets stay as they are until commit.
                    let live = try liveOffsets(session: s, partitions: control.partitions)
                    control.limits = live
                    let deadline = ContinuousClock.now + timeout
                    while !control.hasCommitted(exactly: live) {
                        if workerEnded.value { throw RebuildError.workerStopped(definition.name) }
                        guard ContinuousClock.now < deadline else { throw PromotionTimedOut() }
                        Thread.sleep(forTimeInterval: 0.005)
                    }
                    try versions.activate(definition.name, version.number, session: s)
                }
                logger.notice("version promoted", metadata: ["version": "\(version.number)"])
                return true
            } catch is PromotionTimedOut {
                logger.warning("the last records did not fold in time; the live version continues, promotion retried",
                               metadata: ["timeout": "\(timeout)"])
                return false
            }
        }
    }

    static func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }
}

struct PromotionTimedOut: Error {}

/// Set when the rebuild's worker has returned (stopped or failed).
final class WorkerEnded: Sendable {
    private let flag = Atomic<Bool>(false)
    func set() { flag.store(true, ordering: .relaxed) }
    var value: Bool { flag.load(ordering: .relaxed) }
}

public enum RebuildError: Error, CustomStringConvertible {
    case missingTopic(String)
    case noSuchVersion(String, Int)
    case alreadyActive(String, Int)
    case workerStopped(String)

    public var description: String {
        switch self {
        case .missingTopic(let t): "topic \(t) does not exist (or has no partitions): create it with `turnstile topics create`"
        case .noSuchVersion(let p, let n): "\(p) has no version \(n): see `turnstile projections versions \(p)`"
        case .alreadyActive(let p, let n): "version \(n) of \(p) is already the active one"
        case .workerStopped(let p): "the rebuild worker of \(p) stopped before the version was done; run the same command again to resume it"
        }
    }
}
