import Events
import Foundation
import Ingest
import Postgres
import TestSupport
import Testing

/// Faults of the real components under a running processor: the database restarting mid-stream.
///
/// These restart the shared stack, so they must not run beside other tests: `ops/test` runs them in a second,
/// separate `swift test` with `TURNSTILE_FAULT_TESTS=1`; a plain `swift test` skips them.
@Suite("FaultTests", .serialized, .enabled(if: TestStack.enabled && TestStack.environment["TURNSTILE_FAULT_TESTS"] == "1"))
struct FaultTests {
    /// Runs an `ops/stack` subcommand of the stack the tests use. Spawned and reaped directly: Foundation's
    /// `Process.waitUntilExit` was seen to hang here on an already exited child (left a zombie).
    static func stack(_ command: String) throws {
        let args = ["/bin/bash", TestStack.repository + "/ops/stack", command]
        var argv: [UnsafeMutablePointer<CChar>?] = args.map { strdup($0) } + [nil]
        defer { for a in argv { free(a) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/bin/bash", nil, nil, &argv, environ)
        try #require(spawned == 0, "could not start ops/stack \(command): error \(spawned)")
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1, errno == EINTR {}
        // Exited normally (low 7 bits 0) with code 0.
        #expect(status & 0x7f == 0 && (status >> 8) & 0xff == 0, "ops/stack \(command) failed: status \(status)")
    }

    /// A session that survives the restarts it is checking: reconnects whenever a check finds it broken.
    final class Reconnecting {
        let url: String
        var session: PGSession?
        init(url: String) { self.url = url }
        func check(_ body: (PGSession) throws -> Bool) -> Bool {
            do {
                if session == nil { session = try PGSession.connect(url: url) }
                return try body(session!)
            } catch {
                session?.close()
                session = nil
                return false
            }
        }
        func check(_ body: (PGSession) async throws -> Bool) async -> Bool {
            do {
                if session == nil { session = try PGSession.connect(url: url) }
                return try await body(session!)
            } catch {
                session?.close()
                session = nil
                return false
            }
        }
        deinit { session?.close() }
    }

    @Test func databaseRestartMidStreamLosesNothingAndCountsNothingTwice() async throws {
        let ns = try TestNamespace.make()
        defer { ns.drop() }
        let events = ParkSimulator(.init(seed: 11, parks: 4, attractionsPerPark: 15)).events(count: 30_000)
        let expected = ExpectedParks(events)
        let produced = try await PipelineRun.produce(events, ns: ns)
        let total = Int64(produced[ns.topics[.parksWaitTimes]] ?? 0)
        let db = Reconnecting(url: ns.databaseURL)

        let p = try ProcessorProcess(ns: ns, name: "restart-db")
        let started = try await eventually(timeout: .seconds(120)) {
            db.check { try PipelineRun.folded($0, projection: "parks_wait_times", topic: ns.topics[.parksWaitTimes]) >= total / 5 }
        }
        #expect(started, "no progress before the restart; log: \(p.log.suffix(2000))")
        try Self.stack("restart-db")

        let done = try await eventually(timeout: .seconds(240)) {
            await db.check { try await PipelineRun.caughtUp($0, ns: ns, produced: produced, expected: expected) }
        }
        let log = p.log
        let status = p.terminate()
        #expect(done, "did not catch up after the database restart; log: \(log.suffix(3000))")
        #expect(status == 0, "the processor must survive the restart and stop cleanly; log: \(log.suffix(2000))")
        #expect(log.contains("database connection lost") || log.contains("relay database error"),
                "the restart went unnoticed: was the stream already folded? log: \(log.suffix(2000))")
        let s = try ns.session()
        defer { s.close() }
        #expect(try ProjectionSnapshot(s).differences(from: expected) == [])
        try await ParksPipelineTests.checkCrowdEventChain(ns: ns, session: s)
    }
}
