import Foundation
import TestSupport
import Testing

@testable import Postgres

@Suite(.enabled(if: TestDatabase.isAvailable, "needs DATABASE_URL"))
struct PGConnectionTests {
    @Test func manyConcurrentTasksShareOneConnectionThread() async throws {
        let connection = try await TestDatabase.connection()
        let results = try await withThrowingTaskGroup(of: (Int64, Int64, String).self) { group in
            for i in Int64(0)..<64 {
                group.addTask {
                    try await connection.withSession { session in
                        let doubled = try session.execute("SELECT $1::int8 * 2", [.int(i)]).int(0, 0) ?? -1
                        // Runs on the connection's own thread, never on the cooperative pool.
                        return (i, doubled, Thread.current.name ?? "?")
                    }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.count == 64)
        #expect(results.allSatisfy { $0.1 == $0.0 * 2 })
        #expect(Set(results.map(\.2)) == ["turnstile-pg"])
        await connection.close()
        await #expect(throws: PGError.self) { try await connection.query("SELECT 1") }
    }

    @Test func reconnectsAfterItsBackendIsTerminated() async throws {
        let connection = try await TestDatabase.connection()
        let killer = try await TestDatabase.connection()
        let pid = try await connection.withSession { $0.backendPID }
        let terminated = try await killer.query("SELECT pg_terminate_backend($1::int4, 5000)", [.int(Int64(pid))])
        #expect(try terminated.bool(0, 0) == true)

        let result = try await connection.query("SELECT pg_backend_pid()")
        let newPID = try result.int(0, 0)
        #expect(newPID != nil && newPID != Int64(pid))
        // Session settings came back with the new backend.
        #expect(try await connection.query("SHOW TimeZone").string(0, 0) == "UTC")
        await connection.close()
        await killer.close()
    }

    @Test func aLostConnectionFailsOneCallAndTheNextReconnects() async throws {
        let connection = try await TestDatabase.connection()
        // Terminate from inside: the statement itself loses the connection.
        await #expect {
            try await connection.query("SELECT pg_terminate_backend(pg_backend_pid())")
        } throws: { error in (error as? PGError)?.isConnectionLost == true }
        #expect(try await connection.query("SELECT 41 + 1").int(0, 0) == 42)
        await connection.close()
    }

    @Test func openTransactionsAreRolledBackBetweenCalls() async throws {
        let connection = try await TestDatabase.connection()
        try await connection.query("CREATE TEMP TABLE leak (id int8)")
        try await connection.withSession { session in
            try session.execute("BEGIN")
            try session.execute("INSERT INTO leak VALUES (1)")
        }
        #expect(try await connection.query("SELECT count(*) FROM leak").int(0, 0) == 0)
        await connection.close()
    }

    @Test func unreachableDatabaseFailsConnect() async {
        await #expect(throws: PGError.self) {
            try await PGConnection.connect(url: "postgres://nobody@127.0.0.1:1/none")
        }
    }
}

@Suite(.enabled(if: TestDatabase.isAvailable, "needs DATABASE_URL"))
struct PGConnectionCancellationTests {
    @Test func cancellingTheTaskCancelsTheRunningStatement() async throws {
        let connection = try await TestDatabase.connection()
        // 57014 proves the server cancelled it; the time bound, far below the sleep, that it did not finish
        // first. The bound is loose because the test's own task may wait for a thread while CPU-bound
        // suites (e.g. GarageReplayTests) run beside it on a 2-core machine.
        let sleeper = Task { try await connection.query("SELECT pg_sleep(90) AS cancel_me") }
        // Cancelled once the server runs it (a fixed pause was seen to cancel it before it was sent, when the
        // whole suite kept both cores busy: then the task ends with CancellationError, as it should, but the
        // server-side cancel is not what is tested).
        let watcher = try TestDatabase.session()
        defer { watcher.close() }
        let running = try await eventually(timeout: .seconds(60), every: .milliseconds(20)) {
            try watcher.execute("SELECT 1 FROM pg_stat_activity WHERE query LIKE '%cancel_me%' AND state = 'active' AND pid <> pg_backend_pid()").rowCount > 0
        }
        #expect(running, "the statement never started")
        let start = ContinuousClock.now
        sleeper.cancel()
        await #expect {
            try await sleeper.value
        } throws: { error in (error as? PGError)?.sqlState == "57014" }
        #expect(ContinuousClock.now - start < .seconds(45))
        // The connection is fine afterwards, and the cancel did not leak into the next statement.
        #expect(try await connection.query("SELECT pg_sleep(0.3), 5").int(0, 1) == 5)
        await connection.close()
    }

    @Test func aTaskCancelledBeforeItsTurnDoesNotRun() async throws {
        let connection = try await TestDatabase.connection()
        try await connection.query("CREATE TEMP TABLE ran (id int8)")
        let blocker = Task { try await connection.query("SELECT pg_sleep(0.3)") }
        try await Task.sleep(for: .milliseconds(50))
        let queued = Task { try await connection.query("INSERT INTO ran VALUES (1)") }
        queued.cancel()
        await #expect(throws: CancellationError.self) { try await queued.value }
        _ = try await blocker.value
        #expect(try await connection.query("SELECT count(*) FROM ran").int(0, 0) == 0)
        await connection.close()
    }
}
