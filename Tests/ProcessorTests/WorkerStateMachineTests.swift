import Kafka
import Postgres
import Testing

@testable import Processor

/// The worker's decisions, without Kafka or PostgreSQL: time is given, events are reported, actions checked.
@Suite struct WorkerStateMachineTests {
    typealias Machine = WorkerStateMachine<[Int]>
    static let p0 = KafkaTopicPartition(topic: "t", partition: 0)
    static let p1 = KafkaTopicPartition(topic: "t", partition: 1)
    static let t0 = ContinuousClock.now

    static func machine(lingerMs: Int = 0, maxBatch: Int = 100, stopWhenIdleMs: Int? = nil) -> Machine {
        Machine(
            configuration: .init(lingerMs: lingerMs, maxBatch: maxBatch, pollTimeoutMs: 50, stopWhenIdleMs: stopWhenIdleMs),
            now: t0)
    }

    static func at(_ ms: Int) -> ContinuousClock.Instant { t0 + .milliseconds(ms) }

    static let refused = PGError(kind: .query, message: "violates check constraint", sqlState: "23514")

    @Test func aBatchClosesAtOnceWithoutLinger() {
        var m = Self.machine()
        #expect(m.firstPoll == .poll(maxRecords: 100, timeoutMs: 50))
        #expect(m.polled(gathered: 3, suspect: false, now: Self.at(0)) == .process(isolated: false))
    }

    @Test func aBatchLingersUntilItsDeadlineOrItIsFull() {
        var m = Self.machine(lingerMs: 10, maxBatch: 100)
        #expect(m.polled(gathered: 5, suspect: false, now: Self.at(0)) == .poll(maxRecords: 95, timeoutMs: 10))
        #expect(m.polled(gathered: 8, suspect: false, now: Self.at(4)) == .poll(maxRecords: 92, timeoutMs: 6))
        #expect(m.polled(gathered: 9, suspect: false, now: Self.at(11)) == .process(isolated: false))
        // The next batch's deadline counts from its own first record.
        #expect(m.polled(gathered: 1, suspect: false, now: Self.at(50)) == .poll(maxRecords: 99, timeoutMs: 10))
        #expect(m.polled(gathered: 100, suspect: false, now: Self.at(51)) == .process(isolated: false))
    }

    @Test func itStopsWhenIdleOnlyOnceItHasSomethingToRead() {
        var m = Self.machine(stopWhenIdleMs: 100)
        // No partitions yet (the group is still forming): never idle.
        #expect(m.polled(gathered: 0, suspect: false, now: Self.at(500)) == .idle)
        _ = m.assigned(stored: [:], partitions: [Self.p0], now: Self.at(500))
        #expect(m.polled(gathered: 0, suspect: false, now: Self.at(590)) == .idle)
        #expect(m.polled(gathered: 2, suspect: false, now: Self.at(595)) == .process(isolated: false))
        #expect(m.polled(gathered: 0, suspect: false, now: Self.at(690)) == .idle)
        #expect(m.polled(gathered: 0, suspect: false, now: Self.at(696)) == .stop)
    }

    @Test func assignedPartitionsStartAtTheirStoredOffsetsOrTheBeginning() {
        var m = Self.machine()
        let start = m.assigned(stored: [Self.p0: 10], partitions: [Self.p0, Self.p1], now: Self.t0)
        #expect(start == [Self.p0: 10, Self.p1: KafkaOffset.beginning])
        #expect(m.position(of: Self.p0) == .some(10))
        #expect(m.position(of: Self.p1) == .some(nil))  // owned, nothing folded yet
        #expect(m.position(of: KafkaTopicPartition(topic: "t", partition: 2)) == nil)  // not owned: skipped
    }

    @Test func aRebalanceInTheMiddleOfABatchDropsTheRevokedPartitionAndTheCache() {
        var m = Self.machine(lingerMs: 10)
        _ = m.assigned(stored: [Self.p0: 10, Self.p1: 20], partitions: [Self.p0, Self.p1], now: Self.t0)
        _ = m.submitted(states: ["a": [1], "b": [2]], nextOffsets: [Self.p0: 12, Self.p1: 22])
        #expect(m.uncached(["a", "b"]).isEmpty)
        // The next batch is being gathered when p1 is revoked (inside a poll).
        #expect(m.polled(gathered: 4, suspect: false, now: Self.at(0)) == .poll(maxRecords: 96, timeoutMs: 10))
        m.revoked([Self.p1])
        #expect(m.polled(gathered: 6, suspect: false, now: Self.at(10)) == .process(isolated: false))
        // p1's records in hand are skipped; the keys' states may change under the new owner: reloaded.
        #expect(m.position(of: Self.p1) == nil)
        #expect(Set(m.uncached(["a", "b"])) == ["a", "b"])
        let moves = m.submitted(states: ["a": [1, 3]], nextOffsets: [Self.p0: 14])
        #expect(moves.map(\.partition) == [Self.p0])
        #expect(moves.first?.expected == 12 && moves.first?.next == 14)
        #expect(m.positions == [Self.p0: 14])
    }

    @Test func aFailedCommitThrowsAwayEverythingUncommitted() {
        var m = Self.machine()
        _ = m.assigned(stored: [Self.p0: 10], partitions: [Self.p0], now: Self.t0)
        var states = m.takeCache()
        states["a"] = [1]
        _ = m.submitted(states: states, nextOffsets: [Self.p0: 15])
        states = m.takeCache()
        states["a"]!.append(2)
        _ = m.submitted(states: states, nextOffsets: [Self.p0: 18])
        // The first batch's transaction found another member's offset (fenced).
        let fenced = OffsetConflict(partition: Self.p0, expected: 10)
        #expect(m.failed(fenced, batchOffsets: [Self.p0: 15]) == .resynchronize)
        #expect(m.resynchronized(stored: [Self.p0: 10]) == [Self.p0: 10])
        #expect(m.position(of: Self.p0) == .some(10))
        #expect(m.uncached(["a"]) == ["a"])
        #expect(!m.hasSuspects)
    }

    @Test func aBatchRefusedForItsDataIsFoldedAgainInIsolation() {
        var m = Self.machine()
        _ = m.assigned(stored: [Self.p0: 10, Self.p1: 5], partitions: [Self.p0, Self.p1], now: Self.t0)
        _ = m.submitted(states: [:], nextOffsets: [Self.p0: 20, Self.p1: 8])
        #expect(m.failed(Self.refused, batchOffsets: [Self.p0: 20, Self.p1: 8]) == .resynchronize)
        _ = m.resynchronized(stored: [Self.p0: 10, Self.p1: 5])
        #expect(m.isSuspect(Self.p0, offset: 19) && !m.isSuspect(Self.p0, offset: 20) && m.isSuspect(Self.p1, offset: 5))
        #expect(m.polled(gathered: 10, suspect: true, now: Self.t0) == .process(isolated: true))

        // First attempt: the whole batch, refused again: back to the checkpoint.
        let checkpoint = m.checkpoint
        _ = m.submitted(states: ["x": [9]], nextOffsets: [Self.p0: 20, Self.p1: 8])
        m.refused(restoring: checkpoint)
        #expect(m.position(of: Self.p0) == .some(10) && m.uncached(["x"]) == ["x"])
        // Halves commit; offset 13 stands alone, refused, and is dead-lettered.
        _ = m.submitted(states: [:], nextOffsets: [Self.p0: 13])
        #expect(m.ownsUnfolded(Self.p0, offset: 13) && !m.ownsUnfolded(Self.p0, offset: 12))
        m.deadLettered(Self.p0, offset: 13)
        _ = m.submitted(states: [:], nextOffsets: [Self.p0: 20])
        m.isolationFinished()
        // p0 has passed its refused end; p1 has not been read yet.
        #expect(m.suspects == [Self.p1: 8])
        _ = m.submitted(states: [:], nextOffsets: [Self.p1: 8])
        m.isolationFinished()
        #expect(!m.hasSuspects)
    }

    @Test func aRevokedPartitionIsNeitherSuspectNorDeadLetteredHere() {
        var m = Self.machine()
        _ = m.assigned(stored: [Self.p0: 0], partitions: [Self.p0], now: Self.t0)
        _ = m.failed(Self.refused, batchOffsets: [Self.p0: 9])
        m.revoked([Self.p0])
        #expect(!m.isSuspect(Self.p0, offset: 3))
        #expect(!m.ownsUnfolded(Self.p0, offset: 3))
        m.deadLettered(Self.p0, offset: 3)
        #expect(m.position(of: Self.p0) == nil)
    }

    @Test func transientErrorsAreRetriedWithAGrowingPauseThenGivenUp() {
        var m = Self.machine()
        let conflict = PGError(kind: .query, message: "could not serialize", sqlState: "40001")
        var pauses: [Duration] = []
        for _ in 0..<20 {
            guard case .retry(let after) = m.failed(conflict, batchOffsets: [:]) else {
                Issue.record("a transient error must be retried")
                return
            }
            pauses.append(after)
        }
        #expect(pauses.prefix(3) == [.milliseconds(100), .milliseconds(200), .milliseconds(400)])
        #expect(pauses.last == .milliseconds(2_000))
        #expect(m.failed(conflict, batchOffsets: [:]) == .fail)
        // A batch that gets through resets the count.
        var again = Self.machine()
        _ = again.failed(conflict, batchOffsets: nil)
        _ = again.submitted(states: [:], nextOffsets: [:])
        #expect(again.transientFailures == 0)
    }

    @Test func otherFailuresReconnectOrStopTheWorker() {
        var m = Self.machine()
        #expect(m.failed(PGError(kind: .connection, message: "gone"), batchOffsets: nil) == .reconnectAndResynchronize)
        #expect(m.failed(PGError(kind: .query, message: "no such table", sqlState: "42P01"), batchOffsets: [:]) == .fail)
        #expect(m.failed(PGError(kind: .misuse, message: "rows do not match"), batchOffsets: [:]) == .fail)
        // Refused data outside a commit (nothing to isolate by offsets) is not guessed at.
        #expect(m.failed(Self.refused, batchOffsets: nil) == .fail)
        struct Other: Error {}
        #expect(m.failed(Other(), batchOffsets: nil) == .fail)
    }

    @Test func aFailureSeenDuringARebalanceIsActedOnOnceAfterIt() {
        var m = Self.machine()
        #expect(m.takeDeferredFailure() == nil)
        m.commitFailedDuringRebalance(OffsetConflict(partition: Self.p0, expected: nil))
        #expect(m.takeDeferredFailure() is OffsetConflict)
        #expect(m.takeDeferredFailure() == nil)
    }

    @Test func aRestartForgetsEverything() {
        var m = Self.machine(stopWhenIdleMs: 10)
        _ = m.assigned(stored: [Self.p0: 1], partitions: [Self.p0], now: Self.t0)
        _ = m.submitted(states: ["a": []], nextOffsets: [Self.p0: 2])
        _ = m.failed(Self.refused, batchOffsets: [Self.p0: 2])
        m.started(now: Self.at(100))
        #expect(m.positions.isEmpty && !m.hasSuspects && m.uncached(["a"]) == ["a"])
        #expect(m.polled(gathered: 0, suspect: false, now: Self.at(1_000)) == .idle)
    }
}
