import Foundation
import Kafka
import Postgres

/// One folded batch, ready to be written in one transaction.
struct CommitJob: Sendable {
    /// Writes rows, outbox and offsets; runs inside the transaction.
    var write: @Sendable (PGSession) throws -> Void
    /// Runs after the transaction committed, with its duration (metrics, the bench's latency probe).
    var committed: @Sendable (_ transaction: Duration) -> Void
    /// Next offsets the batch moved its partitions to, for the advisory Kafka commit.
    var offsets: [KafkaTopicPartition: Int64]
}

/// A batch whose transaction failed, with how far it would have moved each partition (the end of the records
/// it held): the worker re-reads them, in isolation when the database refused their data.
struct CommitFailure: Error, CustomStringConvertible {
    var cause: any Error
    var offsets: [KafkaTopicPartition: Int64]
    var description: String { "\(cause)" }
}

/// Writes folded batches on its own thread and database session, one at a time, so the worker decodes and
/// folds batch N+1 while PostgreSQL writes batch N (the two together took ~40 % and ~60 % of a batch's time).
///
/// At most one batch is in flight: `submit` waits for the previous one. A failed commit is reported by the
/// next `submit` or `drain` (as a `CommitFailure`); the worker then drops its uncommitted fold state and re-reads
/// offsets.
// @unchecked Sendable: `job`, `busy`, `failure`, `committedOffsets` and `closing` are guarded by
// `condition`; `session` is only touched by the committer thread.
final class BatchCommitter: @unchecked Sendable {
    private let condition = NSCondition()
    private var job: CommitJob?
    private var busy = false
    private var failure: CommitFailure?
    private var committedOffsets: [KafkaTopicPartition: Int64] = [:]
    private var closing = false
    private let finished = DispatchSemaphore(value: 0)

    private let connect: @Sendable () throws -> PGSession
    private var session: PGSession?

    init(connect: @escaping @Sendable () throws -> PGSession) { self.connect = connect }

    func start(name: String) {
        let thread = Thread { [self] in
            nameCurrentThread(name)
            loop()
            finished.signal()
        }
        thread.name = name
        thread.stackSize = 4 << 20
        thread.start()
    }

    /// Hands over a batch once the previous one is written; throws that one's failure instead, if it failed
    /// (this batch is then dropped: it was folded on state that never committed).
    func submit(_ next: CommitJob) throws {
        condition.lock()
        defer { condition.unlock() }
        while busy { condition.wait() }
        if let error = failure {
            failure = nil
            throw error
        }
        job = next
        busy = true
        condition.broadcast()
    }

    /// Waits until nothing is in flight; throws the last batch's failure, if any.
    func drain() throws {
        condition.lock()
        defer { condition.unlock() }
        while busy { condition.wait() }
        if let error = failure {
            failure = nil
            throw error
        }
    }

    /// Throws the failure of the batch last handed over, if it has failed already; never waits. The worker
    /// asks on every turn of its loop, so a failed commit is seen even when no further batch comes.
    func throwIfFailed() throws {
        condition.lock()
        defer { condition.unlock() }
        if let error = failure {
            failure = nil
            throw error
        }
    }

    /// Offsets committed since the last call (for the advisory Kafka commit, made on the consumer's thread).
    func takeCommittedOffsets() -> [KafkaTopicPartition: Int64] {
        condition.lock()
        defer { condition.unlock() }
        let taken = committedOffsets
        committedOffsets = [:]
        return taken
    }

    /// Waits for the batch in flight, then stops the thread and closes its session.
    func close() {
        condition.lock()
        while busy { condition.wait() }
        closing = true
        condition.broadcast()
        condition.unlock()
        finished.wait()
    }

    private func loop() {
        while true {
            condition.lock()
            while job == nil, !closing { condition.wait() }
            guard let current = job else {
                condition.unlock()
                break
            }
            job = nil
            condition.unlock()

            var error: CommitFailure?
            do {
                if session == nil { session = try connect() }
                let started = ContinuousClock.now
                try session!.transaction { s in try current.write(s) }
                current.committed(ContinuousClock.now - started)
            } catch let e {
                error = CommitFailure(cause: e, offsets: current.offsets)
                if let pg = e as? PGError, pg.isConnectionLost {
                    session?.close()
                    session = nil
                }
            }

            condition.lock()
            if let error {
                failure = error
            } else {
                committedOffsets.merge(current.offsets) { _, new in new }
            }
            busy = false
            condition.broadcast()
            condition.unlock()
        }
        session?.close()
        session = nil
    }
}
