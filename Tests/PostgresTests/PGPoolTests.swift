import TestSupport
import Testing

@testable import Postgres

@Suite(.enabled(if: TestDatabase.isAvailable, "needs DATABASE_URL"))
struct PGPoolTests {
    @Test func twentyQueriesOnTwoConnections() async throws {
        let pool = PGPool(url: try TestEnvironment.requireDatabaseURL(), maxConnections: 2, logger: TestDatabase.logger)
        let pids = try await withThrowingTaskGroup(of: Int64.self) { group in
            for i in 0..<20 {
                group.addTask {
                    let result = try await pool.query(
                        "SELECT pg_backend_pid(), pg_sleep(0.02), $1::int8", [.int(Int64(i))])
                    #expect(try result.int(0, 2) == Int64(i))
                    return try result.int(0, 0) ?? -1
                }
            }
            return try await group.reduce(into: Set<Int64>()) { $0.insert($1) }
        }
        #expect(pids.count >= 1 && pids.count <= 2)
        #expect(!pids.contains(-1))
        await pool.close()
        await #expect(throws: PGError.self) { try await pool.query("SELECT 1") }
    }

    @Test func aCancelledWaiterLeavesTheQueue() async throws {
        let pool = PGPool(url: try TestEnvironment.requireDatabaseURL(), maxConnections: 1, logger: TestDatabase.logger)
        let (held, release) = AsyncStream.makeStream(of: Void.self)
        let (busy, signalBusy) = AsyncStream.makeStream(of: Void.self)
        let holder = Task {
            try await pool.withConnection { _ in
                signalBusy.yield()
                for await _ in held { break }
            }
        }
        for await _ in busy { break }
        let waiter = Task { try await pool.query("SELECT 1") }
        try await Task.sleep(for: .milliseconds(50))
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
        release.yield()
        try await holder.value
        #expect(try await pool.query("SELECT 3").int(0, 0) == 3)
        await pool.close()
    }

    @Test func failedConnectsDoNotLeakSlots() async throws {
        let pool = PGPool(url: "postgres://nobody@127.0.0.1:1/none", maxConnections: 1)
        for _ in 0..<3 {
            await #expect(throws: PGError.self) { try await pool.query("SELECT 1") }
        }
        await pool.close()
    }
}

/// Compiles only if `withConnection` runs its body in the caller's isolation.
private actor QueryCounter {
    var total: Int64 = 0

    func add(from pool: PGPool) async throws {
        try await pool.withConnection { connection in
            total += try await connection.query("SELECT 2").int(0, 0) ?? 0
        }
    }
}

@Suite(.enabled(if: TestDatabase.isAvailable, "needs DATABASE_URL"))
struct PGPoolIsolationTests {
    @Test func bodyRunsInTheCallersIsolation() async throws {
        let pool = PGPool(url: try TestEnvironment.requireDatabaseURL(), maxConnections: 1, logger: TestDatabase.logger)
        let counter = QueryCounter()
        try await counter.add(from: pool)
        try await counter.add(from: pool)
        #expect(await counter.total == 4)
        await pool.close()
    }
}
