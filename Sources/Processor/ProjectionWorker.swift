import Events
import Foundation
import Kafka
import Logging
import Metrics
import Postgres
import Projections
import Synchronization

/// Drives one projection between Kafka and PostgreSQL, effectively once.
///
/// Per batch: decode (bad records become dead letters), load the state of the keys the batch touches,
/// fold, then ONE transaction writes the rows, the derived events and dead letters (outbox), and the next
/// offset of every partition in the batch. On assignment the consumer starts each partition at the offset
/// stored in PostgreSQL; Kafka's committed offsets are only advisory (for lag tooling).
///
/// The transaction runs on a `BatchCommitter` (own thread, own session) while this thread polls and folds
/// the next batch: fold state and positions here run at most one batch ahead of PostgreSQL. When a commit
/// fails, the batch folded meanwhile is dropped with the cache and every partition re-reads from the offset
/// PostgreSQL holds, so nothing uncommitted ever counts.
///
/// No record stops it. A record that cannot be decoded or validated is a dead letter at once. A batch the
/// database refuses for its data (a value out of a column's range, a key over the index limit) is folded again
/// in isolation: committed synchronously, split in halves while the database refuses it, until each refused
/// record stands alone and goes to the dead letters with the database's reason; the rest commits, effectively
/// once as ever. Transient errors (connection, serialization, deadlock) are retried, never dead-lettered.
/// Anything else is thrown to the `ProcessorService`, which reports it and restarts the worker.
///
/// Its decisions (positions, cache, linger, idle, what a failure calls for, isolation bookkeeping) are a
/// `WorkerStateMachine`, tested without I/O; this class executes them against Kafka and PostgreSQL.
///
/// Runs on its own thread: `run()` blocks. Rebalance callbacks arrive inside `poll`, on the same thread.
// @unchecked Sendable: every mutable property is touched only by the thread running `run()` (rebalance
// callbacks are invoked by librdkafka inside `poll` on that thread); `stopRequested` is atomic.
public final class ProjectionWorker<Store: ProjectionStore>: KafkaRebalanceListener, @unchecked Sendable {
    public typealias State = Store.P.State

    /// The store of the version being folded (live: the active one, switched on a promotion).
    public private(set) var store: Store
    private let makeStore: @Sendable (TablePlacement) -> Store
    /// The projection's name (the store changes on a promotion; its name never does).
    public let projectionName: String
    public let mode: WorkerMode
    let settings: ProcessorSettings
    let tables: RuntimeTables
    /// Offsets of the version being folded (they live with its tables).
    private(set) var offsets: OffsetStore
    /// The version being folded (live mode; checked by the fence in every batch transaction).
    private(set) var version: Int
    private let versions: ProjectionVersions
    var logger: Logger
    /// Rebuild mode: partitions paused at their limit.
    private var paused: Set<KafkaTopicPartition> = []
    /// Rebuild mode: partitions whose records at or past their limit were dropped from the last batch, and
    /// where to read them again from.
    private var trimmed: [KafkaTopicPartition: Int64] = [:]

    private let stopRequested = Atomic<Bool>(false)

    /// Reads (fold state, offsets on assignment); writes go through `committer`.
    private var session: PGSession?
    /// The group consumer (live and pinned modes, and a rebuild from the broker).
    private var consumer: KafkaConsumer?
    /// Where records come from: the consumer, or a rebuild's archive files.
    private var source: (any RecordSource)?
    private var committer: BatchCommitter?
    private var machine: WorkerStateMachine<State>
    /// Batches committed since the worker was made: the supervisor tells a worker that fails again and again
    /// at the same offset from one that fails now and then (`RestartPolicy`).
    private let committedBatches = ProgressCounter()

    private let consumedCounters = CounterCache(label: "turnstile_events_consumed_total")
    private let deadLetterCounters = CounterCache(label: "turnstile_dead_letters_total")
    /// Refusals left to the topic's own projection to dead-letter (`Projection.deadLettersRefusals(from:)`).
    private let skippedCounters = CounterCache(label: "turnstile_refusals_skipped_total")
    private let batchSize: Recorder
    private let commitTimer: Metrics.Timer
    /// Ingest → committed (visible in the projection) of the oldest event of each batch.
    private let visibleLatency: Metrics.Timer
    /// Called after each commit with the ingest times (µs) of the batch's events, when the batch was polled
    /// and when it committed (µs): the benchmark's produce-to-visible latency. Nil in production.
    public var onCommit: (@Sendable (_ ingestTimes: [Int64], _ polledAt: Int64, _ committedAt: Int64) -> Void)?
    /// Whether each live batch's transaction announces the state keys it changed (`ProjectionChangeNotice`).
    public var announcesChanges = false

    /// A worker folding into `store`'s placement only (`WorkerMode.pinned`).
    public convenience init(store: Store, settings: ProcessorSettings, tables: RuntimeTables = RuntimeTables(), logger: Logger) {
        self.init(store: { _ in store }, mode: .pinned(store.placement), settings: settings, tables: tables, logger: logger)
    }

    /// - Parameter store: the projection's store for the tables at a placement (a version's).
    public init(
        store makeStore: @escaping @Sendable (TablePlacement) -> Store, mode: WorkerMode, settings: ProcessorSettings,
        tables: RuntimeTables = RuntimeTables(), logger: Logger
    ) {
        let placement: TablePlacement
        let version: Int
        switch mode {
        case .live: (placement, version) = (.live, 1)  // resolved when it runs
        case .pinned(let p): (placement, version) = (p, 1)
        case .rebuild(let v, _): (placement, version) = (v.placement, v.number)
        }
        let store = makeStore(placement)
        self.store = store
        self.projectionName = store.projection.name
        self.makeStore = makeStore
        self.mode = mode
        self.version = version
        self.versions = ProjectionVersions(table: tables.versions)
        self.settings = settings
        self.tables = tables
        if case .pinned = mode {
            self.offsets = OffsetStore(table: tables.offsets, projection: store.projection.name)
        } else {
            self.offsets = OffsetStore(table: tables.at(placement).offsets, projection: store.projection.name)
        }
        var logger = logger
        logger[metadataKey: "projection"] = "\(store.projection.name)"
        if case .rebuild(let v, _) = mode { logger[metadataKey: "version"] = "\(v.number)" }
        self.logger = logger
        let dims = [("projection", store.projection.name)]
        self.batchSize = Recorder(label: "turnstile_batch_size", dimensions: dims, aggregate: true)
        self.commitTimer = Metrics.Timer(label: "turnstile_commit_seconds", dimensions: dims)
        self.visibleLatency = Metrics.Timer(label: "turnstile_ingest_to_visible_seconds", dimensions: dims)
        self.machine = WorkerStateMachine(
            configuration: .init(
                lingerMs: settings.batchLingerMs ?? store.projection.batchLingerMs, maxBatch: settings.maxBatch,
                pollTimeoutMs: settings.pollTimeoutMs, stopWhenIdleMs: settings.stopWhenIdleMs),
            now: .now)
    }

    public var groupID: String {
        if case .rebuild(let v, _) = mode { return "\(settings.groupPrefix).\(store.projection.name).rebuild-v\(v.number)" }
        return "\(settings.groupPrefix).\(store.projection.name)"
    }

    private var isLive: Bool { if case .live = mode { true } else { false } }
    private var rebuild: RebuildControl? { if case .rebuild(_, let control) = mode { control } else { nil } }
    /// A rebuild publishes nothing: its derived events were published by the version it replaces.
    private var publishes: Bool { rebuild == nil }

    /// Batches committed so far (see `BlockingRunner.progress`).
    public var progress: Int { committedBatches.value }

    /// Asks `run()` to finish the batch in flight, commit, leave the group and return.
    public func stop() { stopRequested.store(true, ordering: .relaxed) }

    // MARK: Loop

    public func run() throws {
        // A restart after a failure begins from what PostgreSQL holds, like a new process.
        machine.started(now: .now)
        logger.info("starting", metadata: ["group": "\(groupID)", "topics": "\(store.projection.inputTopics)"])
        session = try connectWithRetry()
        if isLive { try follow(try versions.active(store.projection.name, session: session!)) }
        var config = settings.kafka
        config["group.id"] = groupID
        // Failover within seconds instead of librdkafka's 45 s default; a user setting wins.
        if config["session.timeout.ms"] == nil { config["session.timeout.ms"] = "10000" }
        // librdkafka waits up to 500 ms for a fetch to fill; a broker that does not answer early when records
        // arrive (Tansu) then adds that to every event's latency. Measured: p50 217 → 89 ms at 5 k/s (10 ms).
        // Latency-bound folds (no batch linger) wait 5 ms: a live leaderboard's race-rate budget is 50 ms,
        // at the price of ~200 empty fetches a second per idle consumer. Folds that linger anyway ask less often.
        let linger = machine.configuration.lingerMs
        if config["fetch.wait.max.ms"] == nil { config["fetch.wait.max.ms"] = linger > 0 ? String(min(100, linger)) : "5" }
        let committer = BatchCommitter { [self] in try connectWithRetry() }
        committer.start(name: "commit-\(store.projection.name)")
        self.committer = committer
        let consumer: KafkaConsumer?
        let source: any RecordSource
        if let make = rebuild?.source {
            consumer = nil
            source = try make()
        } else {
            let made = try KafkaConsumer(config: config, groupID: groupID, rebalance: self, logger: logger)
            consumer = made
            source = made
        }
        self.consumer = consumer
        self.source = source
        defer {
            committer.close()
            source.close()
            session?.close()
            logger.info("stopped")
        }
        if let rebuild {
            // No group: every partition, from the version's own offsets.
            let stored = try offsets.load(rebuild.partitions, session: session!)
            rebuild.started(stored: stored)
            try source.assign(machine.assigned(stored: stored, partitions: rebuild.partitions, now: .now))
            logger.info("rebuilding", metadata: ["partitions": "\(rebuild.partitions.count)", "stored": "\(stored.count)"])
        } else {
            try consumer?.subscribe(store.projection.inputTopics)
        }
        // Records of one batch share one buffer, kept from batch to batch (folds read the envelope in the
        // value; dead letters carry their own headers, the reason).
        var messages = KafkaRecordBatch()
        turns: while !stopRequested.load(ordering: .relaxed) {
            if let failure = machine.takeDeferredFailure() {
                try recover { throw failure }
            }
            // A batch that failed while nothing new arrived must not wait for the next record to be seen.
            try recover { try committer.throwIfFailed() }
            if let rebuild { try obey(rebuild, source: source) }
            messages.removeAll()
            var action = machine.firstPoll
            gathering: while true {
                switch action {
                case .poll(let maxRecords, let timeoutMs):
                    try source.poll(into: &messages, maxRecords: maxRecords, timeoutMs: timeoutMs)
                    guard !stopRequested.load(ordering: .relaxed) || messages.isEmpty else {
                        action = .process(isolated: machine.hasSuspects && messages.records.contains(where: isSuspect))
                        continue gathering
                    }
                    action = machine.polled(
                        gathered: messages.count,
                        suspect: machine.hasSuspects && messages.records.contains(where: isSuspect), now: .now)
                case .process(let isolated):
                    try recover { try process(messages, isolated: isolated) }
                    break gathering
                case .idle:
                    break gathering
                case .stop:
                    logger.info("idle, stopping", metadata: ["idle_ms": "\(settings.stopWhenIdleMs ?? 0)"])
                    break turns
                }
            }
        }
        // Finish the batch in flight before leaving the group.
        try recover { try committer.drain() }
        reportCommitted(committer.takeCommittedOffsets())
    }

    /// Hands committed offsets on: to Kafka (advisory, for lag tools) in a group, to the coordinator in a rebuild.
    private func reportCommitted(_ done: [KafkaTopicPartition: Int64]) {
        guard !done.isEmpty else { return }
        if let rebuild { rebuild.committed(done) } else { try? consumer?.commit(done) }
    }

    /// Live mode: folds into `active` from now on.
    private func follow(_ active: ProjectionVersion) throws {
        guard active.number != version || active.placement != store.placement else { return }
        version = active.number
        store = makeStore(active.placement)
        offsets = OffsetStore(table: tables.at(active.placement).offsets, projection: store.projection.name)
        logger[metadataKey: "version"] = "\(active.number)"
    }

    // MARK: Rebuild limits

    /// Rebuild mode, every turn: partitions that read past their limit re-read from it; partitions at their
    /// limit pause, the others fetch; watermarks are reported.
    private func obey(_ control: RebuildControl, source consumer: any RecordSource) throws {
        // The last batch's commit must reach the coordinator even when no further batch comes.
        if let committer { reportCommitted(committer.takeCommittedOffsets()) }
        for (tp, from) in trimmed {
            try consumer.seek(tp, to: from, timeoutMs: 10_000)
        }
        trimmed.removeAll()
        let limits = control.limits
        var pause: [KafkaTopicPartition] = [], resume: [KafkaTopicPartition] = []
        for tp in control.partitions {
            if let marks = consumer.watermarks(tp) { control.watermarks(tp, low: marks.low, high: marks.high) }
            let held = limit(of: tp, in: limits).map { limit in (machine.position(of: tp) ?? nil).map { $0 >= limit } ?? (limit <= 0) } ?? false
            if held, !paused.contains(tp) { pause.append(tp) } else if !held, paused.contains(tp) { resume.append(tp) }
        }
        try consumer.pause(pause)
        try consumer.resume(resume)
        paused.formUnion(pause)
        paused.subtract(resume)
    }

    /// The next offset `tp` may reach (nil: no limit); a partition left out of the limits is held where it is.
    private func limit(of tp: KafkaTopicPartition, in limits: [KafkaTopicPartition: Int64]?) -> Int64? {
        guard let limits else { return nil }
        if let limit = limits[tp] { return limit }
        return (machine.position(of: tp) ?? nil) ?? 0
    }

    /// Runs `body`; a fenced member, a lost connection or a transient error (here or in the committer) drops
    /// uncommitted state and re-reads every partition from the offsets PostgreSQL holds. A batch the database
    /// refused for its data is re-read the same way, and its records are then folded in isolation. Anything
    /// else is thrown: the worker stops and its supervisor reports and restarts it.
    private func recover(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch {
            let failed = error as? CommitFailure
            let cause = failed?.cause ?? error
            if let changed = cause as? VersionChanged {
                try switchVersion(changed)
                return
            }
            let action = machine.failed(cause, batchOffsets: failed?.offsets)
            switch action {
            case .resynchronize:
                if let pg = cause as? PGError, pg.isDataError, let failed {
                    logger.warning("the database refused a batch for its data; folding its records in isolation", metadata: [
                        "error": "\(pg.message)", "sqlstate": "\(pg.sqlState ?? "")",
                        "partitions": "\(failed.offsets.keys.map(\.description).sorted())",
                    ])
                } else {
                    logger.warning("fenced: reloading offsets", metadata: ["reason": "\(cause)"])
                }
                try resynchronize()
            case .reconnectAndResynchronize:
                logger.error("database connection lost; reconnecting", metadata: ["error": "\(cause)"])
                try reconnect()
                try resynchronize()
            case .retry(let delay):
                let pg = cause as? PGError
                logger.warning("transient database error; retrying the batch", metadata: [
                    "error": "\(pg?.message ?? "\(cause)")", "sqlstate": "\(pg?.sqlState ?? "")",
                    "attempt": "\(machine.transientFailures)", "in_ms": "\(delay.components.seconds * 1000 + delay.components.attoseconds / 1_000_000_000_000_000)",
                ])
                Thread.sleep(forTimeInterval: Double(delay.components.seconds) + Double(delay.components.attoseconds) / 1e18)
                try resynchronize()
            case .fail:
                throw error
            }
        }
    }

    /// Folds one polled batch and commits it.
    func process(_ messages: KafkaRecordBatch, isolated: Bool) throws {
        if isolated {
            try drainCommitter()
            try isolate(messages, messages.records[...])
            machine.isolationFinished()
            return
        }
        let prepared = prepare(messages, messages.records[...])
        guard !prepared.nextOffsets.isEmpty else { return }
        do {
            try foldAndSubmit(prepared, records: messages.count)
        } catch let error as PGError where error.isDataError {
            // Refused before anything was handed over (a key the state load cannot hold): the batch in flight
            // must land first, then this batch's records are folded in isolation.
            logger.warning("the database refused a batch's state load; folding its records in isolation", metadata: [
                "error": "\(error.message)", "sqlstate": "\(error.sqlState ?? "")",
            ])
            try drainCommitter()
            try isolate(messages, messages.records[...])
        }
    }

    /// A batch's records, decoded: the fold's inputs, the dead letters, and how far each partition moves.
    struct Prepared {
        var inputs: [(key: String, input: Store.P.Input)] = []
        var deadLetters: [OutboxRecord] = []
        var nextOffsets: [KafkaTopicPartition: Int64] = [:]
        var consumedPerTopic: [String: Int] = [:]
        var ingestTimes: [Int64] = []
        let polledAt = ContinuousClock.now
        let polledAtWall = Timestamp.now().microseconds
    }

    /// Decodes `records` of `messages`, skipping records of partitions no longer assigned and records below a
    /// partition's position (already folded, seen again after a re-seek).
    private func prepare(_ messages: KafkaRecordBatch, _ records: ArraySlice<KafkaRecordBatch.Record>) -> Prepared {
        let projection = store.projection
        var p = Prepared()
        p.inputs.reserveCapacity(records.count)
        p.ingestTimes.reserveCapacity(records.count)

        let limits = rebuild?.limits
        // A poll returns runs of one partition's records: look its position up once per run, not per record.
        var run: (tp: KafkaTopicPartition, from: Int64?, next: Int64?, count: Int, limit: Int64?)?
        func endRun() {
            guard let ended = run, let next = ended.next else { return }
            p.nextOffsets[ended.tp] = max(next, p.nextOffsets[ended.tp] ?? next)
            p.consumedPerTopic[ended.tp.topic, default: 0] += ended.count
        }
        for message in records {
            if run == nil || run!.tp.partition != message.partition || run!.tp.topic != message.topic {
                endRun()
                let tp = message.topicPartition
                // Not ours any more (revoked while the batch was being polled): its new owner folds it.
                guard let known = machine.position(of: tp) else {
                    run = nil
                    continue
                }
                run = (tp, known, nil, 0, limit(of: tp, in: limits))
            }
            // A record below the stored position was already folded (seen after a re-seek).
            if let position = run!.from, message.offset < position { continue }
            // A rebuild never folds past its limit: read again from there once the limit moves.
            if let limit = run!.limit, message.offset >= limit {
                trimmed[run!.tp] = limit
                continue
            }
            run!.next = message.offset + 1
            run!.count += 1
            do {
                let envelope = try EventEnvelope.decode(messages.value(of: message))
                p.ingestTimes.append(envelope.ingestTime.microseconds)
                let input = try projection.decode(envelope)
                p.inputs.append((projection.stateKey(of: input), input))
            } catch {
                guard projection.deadLettersRefusals(from: message.topic) else {
                    skippedCounters.increment(message.topic)
                    continue
                }
                deadLetterCounters.increment(message.topic)
                p.deadLetters.append(
                    .deadLetter(
                        messages.message(message), topic: settings.deadLetterTopic, reason: error.description,
                        field: error.field))
            }
        }
        endRun()
        return p
    }

    /// Loads the states the batch needs, folds it, and hands its transaction to the committer.
    private func foldAndSubmit(_ prepared: consuming Prepared, records: Int) throws {
        guard let session else { throw PGError(kind: .connection, message: "no database session", connectionBroken: true) }
        let projection = store.projection
        let missing = machine.uncached(prepared.inputs.lazy.map(\.key))
        // The states leave the cache while folded: uniquely owned, folds mutate them in place.
        var states = machine.takeCache()
        for (key, state) in try store.loadStates(missing, session: session) { states[key] = state }

        let folded = projection.fold(batch: prepared.inputs, states: &states)
        // The outbox row (derived events as JSON, framed, LZ4) is built here, not in the transaction: with
        // folds this cheap the committer is the pipeline's slower half, and while its thread encodes,
        // PostgreSQL waits. Dead letters and derived events go to different topics, so putting one kind
        // first changes no topic's order.
        var bundle: (bytes: [UInt8], count: Int)?
        if publishes {
            var outbox = OutboxBundle.Builder(capacity: prepared.deadLetters.count + folded.derived.count)
            for record in prepared.deadLetters { outbox.append(record) }
            for event in folded.derived { outbox.append(event) }
            bundle = outbox.isEmpty ? nil : (bytes: outbox.encoded(), count: outbox.count)
        }

        let nextOffsets = prepared.nextOffsets
        let foldedAt = ContinuousClock.now
        // Optimistically the new truth: a failed commit is reported by the next submit or drain, and then
        // both are thrown away (`resynchronize`).
        let moves = machine.submitted(states: states, nextOffsets: nextOffsets)
        let job = commitJob(
            folded, outbox: bundle, ingestTimes: prepared.ingestTimes, moves: moves, nextOffsets: nextOffsets,
            polledAt: prepared.polledAt, polledAtWall: prepared.polledAtWall, foldedAt: foldedAt, records: records,
            folded: prepared.inputs.count, undecodable: prepared.deadLetters.count)
        guard let committer else { throw PGError(kind: .connection, message: "no committer", connectionBroken: true) }
        try committer.submit(job)
        batchSize.record(records)
        for (topic, n) in prepared.consumedPerTopic { consumedCounters.increment(topic, by: n) }
        updateLag()
        // Advisory only: lets standard tools show lag. Failure here is harmless.
        reportCommitted(committer.takeCommittedOffsets())
    }

    // MARK: Poison records

    private func isSuspect(_ record: KafkaRecordBatch.Record) -> Bool {
        machine.isSuspect(record.topicPartition, offset: record.offset)
    }

    private func drainCommitter() throws {
        guard let committer else { throw PGError(kind: .connection, message: "no committer", connectionBroken: true) }
        try committer.drain()
    }

    /// Folds `records` and commits them before returning. When the database refuses them for their data, they
    /// are split in halves, folded one half after the other (so each partition's records still fold in offset
    /// order, each half on the state the one before committed), down to single records: a single refused
    /// record is dead-lettered with the database's reason. k bad records among n cost about 2k·log2(n)
    /// transactions; everything else commits as usual.
    private func isolate(_ messages: KafkaRecordBatch, _ records: ArraySlice<KafkaRecordBatch.Record>) throws {
        guard !records.isEmpty else { return }
        let checkpoint = machine.checkpoint
        do {
            let prepared = prepare(messages, records)
            guard !prepared.nextOffsets.isEmpty else { return }
            try foldAndSubmit(prepared, records: records.count)
            try drainCommitter()
        } catch {
            guard let refusal = ((error as? CommitFailure)?.cause ?? error) as? PGError, refusal.isDataError else { throw error }
            // Nothing of this attempt committed: back to what PostgreSQL holds.
            machine.refused(restoring: checkpoint)
            guard records.count > 1 else {
                try deadLetter(messages, records.first!, refusedWith: refusal)
                return
            }
            let middle = records.startIndex + records.count / 2
            try isolate(messages, records[..<middle])
            try isolate(messages, records[middle...])
        }
    }

    /// Commits `record` as a dead letter (and its partition's move past it), alone.
    private func deadLetter(_ messages: KafkaRecordBatch, _ record: KafkaRecordBatch.Record, refusedWith refusal: PGError) throws {
        let tp = record.topicPartition
        // Revoked meanwhile (its new owner decides), or already past it.
        guard machine.ownsUnfolded(tp, offset: record.offset), let position = machine.position(of: tp) else { return }
        var reason = "refused by the database [\(refusal.sqlState ?? "")]: \(refusal.message)"
        if let detail = refusal.detail { reason += " (\(detail))" }
        var outbox = OutboxBundle.Builder(capacity: 1)
        outbox.append(.deadLetter(messages.message(record), topic: settings.deadLetterTopic, reason: reason, field: ""))
        let bundle = outbox.encoded(), count = outbox.count, publishes = self.publishes
        let table = tables.outbox, offsets = self.offsets, progress = committedBatches, fence = self.fence
        let move = [(tp, expected: position, next: record.offset + 1)]
        try committer?.submit(CommitJob(
            write: { s in
                try fence?(s)
                if publishes { try OutboxRecord.insert(bundle: bundle, count: count, table: table, session: s) }
                try offsets.advance(move, session: s)
            },
            committed: { _ in progress.increment() },
            offsets: [tp: record.offset + 1]))
        try drainCommitter()
        machine.deadLettered(tp, offset: record.offset)
        deadLetterCounters.increment(record.topic)
        logger.warning("record refused by the database: dead-lettered", metadata: [
            "topic": "\(record.topic)", "partition": "\(record.partition)", "offset": "\(record.offset)", "reason": "\(reason)",
        ])
    }

    /// The transaction of one batch, and what follows its commit.
    private func commitJob(
        _ folded: FoldedBatch<Store.P.State, Store.P.Row>, outbox: (bytes: [UInt8], count: Int)?, ingestTimes: [Int64],
        moves: [(KafkaTopicPartition, expected: Int64?, next: Int64)], nextOffsets: [KafkaTopicPartition: Int64],
        polledAt: ContinuousClock.Instant, polledAtWall: Int64, foldedAt: ContinuousClock.Instant, records: Int, folded inputs: Int,
        undecodable: Int
    ) -> CommitJob {
        let store = self.store, tables = self.tables, offsets = self.offsets, logger = self.logger
        let commitTimer = self.commitTimer, visibleLatency = self.visibleLatency, onCommit = self.onCommit
        let progress = committedBatches, fence = self.fence, rebuild = self.rebuild
        // A rebuild's tables are not the ones served: nothing to announce.
        let notice = announcesChanges && rebuild == nil && !folded.touched.isEmpty
            ? ProjectionChangeNotice(projection: store.projection.name, keys: Array(folded.touched.keys)) : nil
        return CommitJob(
            write: { s in
                try fence?(s)
                let started = ContinuousClock.now
                var projectionTables = TableWriter(session: s, placement: store.placement)
                try store.write(folded, to: &projectionTables)
                try notice?.send(on: s)
                let wroteRows = ContinuousClock.now
                if let outbox { try OutboxRecord.insert(bundle: outbox.bytes, count: outbox.count, table: tables.outbox, session: s) }
                try offsets.advance(moves, session: s)
                if logger.logLevel <= .debug {
                    logger.debug("batch written", metadata: [
                        "records": "\(records)", "rows": "\(folded.rows.count)", "outbox": "\(outbox?.count ?? 0)",
                        "fold_ms": "\(Self.milliseconds(foldedAt - polledAt))",
                        "rows_ms": "\(Self.milliseconds(wroteRows - started))",
                        "outbox_offsets_ms": "\(Self.milliseconds(ContinuousClock.now - wroteRows))",
                    ])
                }
            },
            committed: { transaction in
                progress.increment()
                let committedAt = Timestamp.now().microseconds
                commitTimer.recordNanoseconds(
                    transaction.components.seconds * 1_000_000_000 + transaction.components.attoseconds / 1_000_000_000)
                if let oldest = ingestTimes.min() { visibleLatency.recordMicroseconds(max(0, committedAt - oldest)) }
                onCommit?(ingestTimes, polledAtWall, committedAt)
                rebuild?.committed([:], folded: inputs, undecodable: undecodable)
            },
            offsets: nextOffsets)
    }

    /// Live mode: the check every batch transaction starts with (waits out a promotion, then refuses to write
    /// into a version that is no longer active).
    private var fence: (@Sendable (PGSession) throws -> Void)? {
        guard isLive else { return nil }
        let versions = self.versions, projection = store.projection.name, version = self.version
        return { s in try versions.fence(projection, expecting: version, session: s) }
    }

    static func milliseconds(_ d: Duration) -> String {
        String(format: "%.1f", Double(d.components.seconds) * 1e3 + Double(d.components.attoseconds) / 1e15)
    }

    private func updateLag() {
        guard let source else { return }
        for (tp, position) in machine.positions {
            guard let position, let high = source.watermarks(tp)?.high else { continue }
            Gauge(label: "turnstile_consumer_lag", dimensions: [
                ("projection", store.projection.name), ("topic", tp.topic), ("partition", String(tp.partition)),
            ]).record(max(0, high - position))
        }
    }

    // MARK: Recovery

    private func connectWithRetry() throws -> PGSession {
        var delay = 0.2
        while true {
            do {
                return try PGSession.connect(url: settings.databaseURL, logger: logger)
            } catch {
                guard !stopRequested.load(ordering: .relaxed) else { throw error }
                guard error.kind == .connection else { throw error }
                logger.warning("database not reachable; retrying", metadata: ["error": "\(error)", "in_s": "\(delay)"])
                Thread.sleep(forTimeInterval: delay)
                delay = min(delay * 2, 5)
            }
        }
    }

    /// A promotion made another version active while a batch was folded for this one: the batch rolled back;
    /// fold into the new version from its offsets (equal to where this one was: a promotion waits for that).
    private func switchVersion(_ changed: VersionChanged) throws {
        try? committer?.drain()
        guard let session else { throw PGError(kind: .connection, message: "no database session", connectionBroken: true) }
        let active = try versions.active(store.projection.name, session: session)
        logger.notice("version promoted: switching", metadata: ["from": "\(changed.from)", "to": "\(active.number)"])
        try follow(active)
        try resynchronize()
    }

    private func reconnect() throws {
        session?.close()
        session = nil
        session = try connectWithRetry()
    }

    /// After a failed batch: forget uncommitted state and re-read every assigned partition from the offset
    /// PostgreSQL holds.
    private func resynchronize() throws {
        // Whatever was in flight has either committed or failed; either way PostgreSQL is the truth now.
        try? committer?.drain()
        guard let session, let source else { return }
        // Every partition re-reads from what PostgreSQL holds: a pending re-read at a rebuild's limit is void.
        trimmed.removeAll()
        let stored = try offsets.load(Array(machine.positions.keys), session: session)
        for (tp, offset) in machine.resynchronized(stored: stored) { try source.seek(tp, to: offset, timeoutMs: 10_000) }
    }

    // MARK: KafkaRebalanceListener (called inside poll, on the worker thread)

    public func partitionsAssigned(_ partitions: [KafkaTopicPartition]) throws -> [KafkaTopicPartition: Int64] {
        drainForRebalance()
        if session == nil { session = try connectWithRetry() }
        let stored: [KafkaTopicPartition: Int64]
        do {
            stored = try offsets.load(partitions, session: session!)
        } catch let error as PGError where error.isConnectionLost {
            try reconnect()
            stored = try offsets.load(partitions, session: session!)
        }
        let start = machine.assigned(stored: stored, partitions: partitions, now: .now)
        logger.info("partitions assigned", metadata: ["partitions": "\(partitions.map(\.description).sorted())"])
        return start
    }

    public func partitionsRevoked(_ partitions: [KafkaTopicPartition], assignmentLost: Bool) {
        // The new owner reads our offsets from PostgreSQL: the batch in flight must land first.
        drainForRebalance()
        machine.revoked(partitions)
        logger.info("partitions revoked", metadata: [
            "partitions": "\(partitions.map(\.description).sorted())", "lost": "\(assignmentLost)",
        ])
    }
}

extension ProjectionWorker {
    /// Waits for the batch in flight; if it failed, the partitions still held re-read from PostgreSQL once
    /// the callback returns (seeking is not allowed inside it).
    fileprivate func drainForRebalance() {
        do {
            try committer?.drain()
        } catch {
            logger.warning("batch in flight failed during a rebalance; resynchronizing", metadata: ["error": "\(error)"])
            machine.commitFailedDuringRebalance(error)
        }
    }
}

/// Counters per topic, created once (metric factories are not free to look up per record).
final class CounterCache: Sendable {
    let label: String
    private let counters = Mutex<[String: Counter]>([:])

    init(label: String) { self.label = label }

    func increment(_ topic: String, by n: Int = 1) {
        let counter = counters.withLock { c in
            if let hit = c[topic] { return hit }
            let made = Counter(label: label, dimensions: [("topic", topic)])
            c[topic] = made
            return made
        }
        counter.increment(by: n)
    }
}
