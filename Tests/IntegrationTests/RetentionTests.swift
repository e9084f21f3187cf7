import Events
import Logging
import Postgres
import Processor
import Projections
import Registry
import Replay
import TestSupport
import Testing

/// Retention against TimescaleDB: exactly the chunks entirely older than the window before the newest row go.
@Suite("RetentionTests", .enabled(if: TestStack.enabled))
struct RetentionTests {
    static func chunks(_ table: String, _ s: PGSession) throws -> [(name: String, end: Int64)] {
        let r = try s.execute(
            """
            SELECT format('%I.%I', chunk_schema, chunk_name), range_end FROM timescaledb_information.chunks
            WHERE format('%I.%I', hypertable_schema, hypertable_name)::regclass = to_regclass($1) ORDER BY range_end
            """, [.text(table)])
        return try (0..<r.rowCount).map { i throws(PGError) in (r.string(i, 0) ?? "", try r.timestamp(i, 1) ?? 0) }
    }

    @Test func retentionDropsExactlyTheChunksOlderThanTheWindow() throws {
        let ns = try TestNamespace.make()
        defer { ns.drop() }
        let s = try ns.session()
        defer { s.close() }
        // Ten days of observations, one every 6 hours, in 1-day chunks; the newest at day 10, 00:00.
        _ = try s.execute(
            """
            INSERT INTO wait_times (time, park_id, attraction_id, wait_minutes, status)
            SELECT '2024-05-01T00:00:00Z'::timestamptz + make_interval(hours => 6 * i), 'p', 'a', i, 'OPERATING'
            FROM generate_series(0, 36) AS i
            """)
        let before = try Self.chunks("wait_times", s)
        try #require(before.count == 10, "chunks: \(before.count)")
        let retention = Retention(WaitTimesTables.waitTimes, keep: "3 days")
        let outcome = try RetentionEnforcer.enforce(retention, placement: .live, session: s)
        // The window begins at 2024-05-07T00:00Z: chunks ending at or before it are wholly older.
        let cutoff = try #require(Timestamp(iso8601: "2024-05-07T00:00:00Z")).microseconds
        #expect(outcome.cutoff == cutoff)
        let expectedDropped = before.filter { $0.end <= cutoff }.map(\.name)
        #expect(expectedDropped.count == 6)
        #expect(outcome.droppedChunks.sorted() == expectedDropped.sorted())
        #expect(try Self.chunks("wait_times", s).map(\.name) == before.filter { $0.end > cutoff }.map(\.name))
        // Every row at or after the cutoff is still there, and none before it.
        #expect(try s.execute("SELECT count(*), min(time) FROM wait_times").int(0, 0) == 13)
        #expect(try s.execute("SELECT min(time) FROM wait_times").timestamp(0, 0) == cutoff)
        // A second round finds nothing more to drop.
        #expect(try RetentionEnforcer.enforce(retention, placement: .live, session: s).droppedChunks.isEmpty)
    }

    @Test func everyDeclaredRetentionIsOnAHypertableOfItsProjection() throws {
        let ns = try TestNamespace.make()
        defer { ns.drop() }
        let s = try ns.session()
        defer { s.close() }
        for definition in ProjectionRegistry.all {
            // Enforced on empty tables: nothing to drop, but every statement runs against the real table.
            let outcomes = try RetentionRunner.enforce(definition, at: .live, session: s, logger: TestStack.logger)
            #expect(outcomes.count == definition.retention.count)
            #expect(outcomes.values.allSatisfy { $0.cutoff == nil && $0.droppedChunks.isEmpty })
        }
        #expect(ProjectionRegistry.all.contains { !$0.retention.isEmpty })
    }
}

extension RetentionTests {
    /// The processor's maintenance loop itself: one round drops the old chunks of the projection's ACTIVE version
    /// (here a promoted version 2 in its own schema), and leaves the retired original alone.
    @Test func theMaintenanceRoundActsOnTheActiveVersion() async throws {
        let ns = try TestNamespace.make()
        defer { ns.drop() }
        let s = try ns.session()
        defer { s.close() }
        let definition = ProjectionDefinition.parksWaitTimes
        let versions = ProjectionVersions()
        let v2 = try versions.create(definition.name, start: "earliest", session: s)
        _ = try VersionTables(definition: definition, migrations: TestStack.repository + "/projections/migrations", logger: TestStack.logger)
            .create(v2, session: s)
        try s.transaction { tx in
            try versions.lockForPromotion(definition.name, session: tx)
            try versions.activate(definition.name, v2.number, session: tx)
        }
        // 500 days of observations, one a day, in both versions' wait_times.
        for table in ["wait_times", v2.placement[WaitTimesTables.waitTimes]] {
            _ = try s.execute(
                """
                INSERT INTO \(table) (time, park_id, attraction_id, wait_minutes, status)
                SELECT '2023-01-01T12:00:00Z'::timestamptz + make_interval(days => i), 'p', 'a', 10, 'OPERATING'
                FROM generate_series(0, 499) AS i
                """)
        }
        let runner = RetentionRunner(
            definitions: [definition], databaseURL: ns.databaseURL, interval: .seconds(3_600), logger: TestStack.logger)
        let round = Task { try await BlockingThread.run(name: "retention") { try runner.run() } }
        let ran = try await eventually(timeout: .seconds(60)) { runner.progress >= 1 }
        runner.stop()
        try await round.value
        #expect(ran)
        // 400 days back from the newest row: the 99 days wholly before the window are gone, in version 2 only.
        let kept = try s.execute("SELECT count(*) FROM \(v2.placement[WaitTimesTables.waitTimes])").int(0, 0)
        #expect(kept == 401)
        #expect(try s.execute("SELECT count(*) FROM wait_times").int(0, 0) == 500, "the retired version is not the processor's")
    }
}
