import Kafka
import Postgres

/// The decisions of a `ProjectionWorker`, apart from its I/O: which partitions it owns and at which
/// positions, what its state cache holds, when a batch closes, when it is idle, and what a failure calls for.
///
/// A value type, in the manner of postgres-nio's `ConnectionStateMachine`: the worker reports events
/// (partitions assigned or revoked, records polled, a batch handed to the committer, a commit failed, a
/// record dead-lettered) and executes the actions it gets back (poll, fold, resynchronize, wait, fail). It
/// reads no clock and touches no socket, so every path (a rebalance in the middle of a batch, a failed
/// commit, a poison record) is unit-tested without Kafka or PostgreSQL.
///
/// Positions run at most one batch ahead of PostgreSQL: a batch counts as folded when it is handed to the
/// committer (`submitted`), and a failed commit throws everything uncommitted away (`failed`, then
/// `resynchronized` with the offsets PostgreSQL holds).
struct WorkerStateMachine<State> {
    struct Configuration: Sendable {
        /// How long a batch waits for more records after its first (0: close at once).
        var lingerMs: Int
        var maxBatch: Int
        /// How long a poll waits for the first record of a batch.
        var pollTimeoutMs: Int32
        /// Stop once nothing has arrived for this long (demo, bench, tests); nil: never.
        var stopWhenIdleMs: Int?
        /// Transient database errors in a row before the worker gives up to its supervisor.
        var maxTransientRetries: Int = 20
    }

    /// What the worker does next while gathering a batch.
    enum GatherAction: Equatable {
        /// Poll for up to `maxRecords` more, waiting at most `timeoutMs`.
        case poll(maxRecords: Int, timeoutMs: Int32)
        /// The batch is closed: fold it (or, with records below a refused batch's end, fold it in isolation).
        case process(isolated: Bool)
        /// Nothing to do this turn: poll again.
        case idle
        /// Idle for longer than allowed: finish and return.
        case stop
    }

    /// What a failure calls for.
    enum RecoveryAction: Equatable {
        /// Drop uncommitted state and re-read every partition from PostgreSQL's offsets.
        case resynchronize
        /// The same, on a new database session.
        case reconnectAndResynchronize
        /// Wait, then resynchronize: a transient error, retried with a growing pause.
        case retry(after: Duration)
        /// Stop the worker and let its supervisor report and restart it.
        case fail
    }

    let configuration: Configuration

    /// Next offset per assigned partition after the last batch handed to the committer; a nil value: no
    /// stored offset yet (start of topic).
    private(set) var positions: [KafkaTopicPartition: Int64?] = [:]
    /// Fold state of recently seen keys, as of the last batch handed to the committer.
    private var cache: [String: State] = [:]
    /// Per partition, the end (exclusive) of a batch the database refused for its data: records below it
    /// are folded in isolation until the partition's position has passed it.
    private(set) var suspects: [KafkaTopicPartition: Int64] = [:]
    /// Transient failures in a row (reset by a batch handed over), for the retry's pause and its limit.
    private(set) var transientFailures = 0
    /// A commit failure seen inside a rebalance callback, acted on once the callback has returned (seeking is
    /// not allowed inside it).
    private var deferredFailure: (any Error)?
    /// When the last record arrived (or partitions were assigned), for the idle stop.
    private var lastActivity: ContinuousClock.Instant
    /// When the first record of the batch being gathered arrived.
    private var batchStartedAt: ContinuousClock.Instant?

    init(configuration: Configuration, now: ContinuousClock.Instant) {
        self.configuration = configuration
        self.lastActivity = now
    }

    /// A (re)start: everything is reloaded from PostgreSQL, as in a new process.
    mutating func started(now: ContinuousClock.Instant) {
        self = WorkerStateMachine(configuration: configuration, now: now)
    }

    // MARK: Rebalance

    /// Partitions assigned, with the offsets PostgreSQL holds for them; returns where each starts. A
    /// partition without a stored offset was never folded: it starts at its beginning, whatever Kafka's
    /// committed offset says (the tables may have been dropped for a rebuild).
    mutating func assigned(stored: [KafkaTopicPartition: Int64], partitions: [KafkaTopicPartition], now: ContinuousClock.Instant)
        -> [KafkaTopicPartition: Int64]
    {
        var start: [KafkaTopicPartition: Int64] = [:]
        for tp in partitions {
            positions.updateValue(stored[tp], forKey: tp)
            start[tp] = stored[tp] ?? KafkaOffset.beginning
        }
        // Idle time counts from when there is something to read.
        lastActivity = now
        return start
    }

    /// Partitions taken away: their records still in hand are no longer folded here, and the state of their
    /// keys may be changed by the new owner.
    mutating func revoked(_ partitions: [KafkaTopicPartition]) {
        for tp in partitions {
            positions.removeValue(forKey: tp)
            suspects.removeValue(forKey: tp)
        }
        cache.removeAll()
    }

    /// The batch in flight failed while a rebalance waited for it.
    mutating func commitFailedDuringRebalance(_ error: any Error) {
        deferredFailure = error
    }

    /// A failure to recover from before the next poll (seen during a rebalance), once.
    mutating func takeDeferredFailure() -> (any Error)? {
        defer { deferredFailure = nil }
        return deferredFailure
    }

    // MARK: Gathering a batch

    /// The first poll of a turn.
    var firstPoll: GatherAction { .poll(maxRecords: configuration.maxBatch, timeoutMs: configuration.pollTimeoutMs) }

    /// After each poll of a batch: `gathered` records so far, `suspect` whether any lies below a refused
    /// batch's end.
    mutating func polled(gathered: Int, suspect: Bool, now: ContinuousClock.Instant) -> GatherAction {
        guard gathered > 0 else {
            batchStartedAt = nil
            if let idle = configuration.stopWhenIdleMs, !positions.isEmpty, now - lastActivity > .milliseconds(idle) {
                return .stop
            }
            return .idle
        }
        lastActivity = now
        let started = batchStartedAt ?? now
        batchStartedAt = started
        if configuration.lingerMs > 0, gathered < configuration.maxBatch {
            let left = started + .milliseconds(configuration.lingerMs) - now
            if left > .zero {
                let ms = left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000
                return .poll(maxRecords: configuration.maxBatch - gathered, timeoutMs: Int32(clamping: max(1, ms)))
            }
        }
        batchStartedAt = nil
        return .process(isolated: suspect)
    }

    /// The position of `tp` for folding: nil when the partition is not owned (its records are skipped), else
    /// the offset below which records were already folded (nil: none were).
    func position(of tp: KafkaTopicPartition) -> Int64?? { positions[tp] }

    /// The record at `offset` of `tp` lies in a batch the database refused: fold it in isolation.
    func isSuspect(_ tp: KafkaTopicPartition, offset: Int64) -> Bool {
        guard let end = suspects[tp] else { return false }
        return offset < end
    }

    var hasSuspects: Bool { !suspects.isEmpty }

    // MARK: Folding

    /// Keys of `keys` whose state is not cached (to load from PostgreSQL).
    func uncached<S: Sequence<String>>(_ keys: S) -> [String] {
        Array(Set(keys.lazy.filter { self.cache[$0] == nil }))
    }

    /// The cache, handed over to fold in place (uniquely owned: folds mutate states without copying). The
    /// cache stays empty until `submitted` puts the folded states back; a failure leaves it empty, which is
    /// right: the database is the truth again.
    mutating func takeCache() -> [String: State] {
        defer { cache = [:] }
        return cache
    }

    /// A folded batch was handed to the committer: its states and positions are the new truth, optimistically
    /// (a failed commit is reported by the next submit or drain). Returns each partition's move, from the
    /// position the transaction expects to find to the next one.
    mutating func submitted(states: consuming [String: State], nextOffsets: [KafkaTopicPartition: Int64])
        -> [(partition: KafkaTopicPartition, expected: Int64?, next: Int64)]
    {
        let moves = nextOffsets.map { tp, next in (partition: tp, expected: positions[tp] ?? nil, next: next) }
        cache = states
        for (tp, next) in nextOffsets where positions[tp] != nil { positions[tp] = next }
        transientFailures = 0
        return moves
    }

    // MARK: Failures

    /// What to do about `error` (from the committer: `batchOffsets` are the failed batch's ends).
    mutating func failed(_ error: any Error, batchOffsets: [KafkaTopicPartition: Int64]?) -> RecoveryAction {
        switch error {
        case is OffsetConflict:
            return .resynchronize
        case let pg as PGError where pg.isConnectionLost:
            return .reconnectAndResynchronize
        case let pg as PGError where pg.isTransient:
            transientFailures += 1
            guard transientFailures <= configuration.maxTransientRetries else { return .fail }
            return .retry(after: .milliseconds(min(50 << min(transientFailures, 6), 2_000)))
        case let pg as PGError where pg.isDataError && batchOffsets != nil:
            for (tp, end) in batchOffsets! { suspects[tp] = max(end, suspects[tp] ?? end) }
            return .resynchronize
        default:
            return .fail
        }
    }

    /// After a failure, the offsets PostgreSQL holds for the partitions still owned: every partition re-reads
    /// from there (returned: where to seek each), and uncommitted state is gone.
    mutating func resynchronized(stored: [KafkaTopicPartition: Int64]) -> [KafkaTopicPartition: Int64] {
        cache.removeAll()
        var seeks: [KafkaTopicPartition: Int64] = [:]
        for tp in positions.keys {
            positions.updateValue(stored[tp], forKey: tp)
            seeks[tp] = stored[tp] ?? KafkaOffset.beginning
        }
        return seeks
    }

    // MARK: Isolation (poison records)

    /// Before one attempt of an isolated fold: what to return to if the database refuses it.
    var checkpoint: [KafkaTopicPartition: Int64?] { positions }

    /// The attempt was refused: nothing of it committed.
    mutating func refused(restoring checkpoint: [KafkaTopicPartition: Int64?]) {
        // Only partitions still owned come back (a revocation meanwhile stays a revocation).
        for tp in positions.keys { positions[tp] = checkpoint[tp] ?? nil }
        cache.removeAll()
    }

    /// Whether the refused record at `offset` of `tp` is still this worker's to dead-letter: owned and not
    /// folded yet.
    func ownsUnfolded(_ tp: KafkaTopicPartition, offset: Int64) -> Bool {
        guard let position = positions[tp] else { return false }
        if let position, offset < position { return false }
        return true
    }

    /// A refused record was dead-lettered alone, and its partition moved past it.
    mutating func deadLettered(_ tp: KafkaTopicPartition, offset: Int64) {
        if positions[tp] != nil { positions[tp] = offset + 1 }
    }

    /// An isolated batch is done: isolation ends for each partition whose position passed its refused end.
    mutating func isolationFinished() {
        suspects = suspects.filter { tp, end in
            guard let position = positions[tp] else { return false }  // not ours any more
            guard let position else { return true }  // nothing of it committed yet
            return position < end
        }
    }
}
