import Foundation
import Postgres
import Processor
import Projections
import Registry
import TestSupport
import Testing

@Suite("MigratorTests", .enabled(if: TestStack.enabled))
struct MigratorTests {
    @Test func migrationsAreIdempotentAndMakeHypertables() throws {
        let ns = try TestNamespace.make()  // applies the migrations once
        defer { ns.drop() }
        let s = try ns.session()
        defer { s.close() }
        let directory = TestStack.repository + "/projections/migrations"
        let files = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".sql") }
        let again = try Migrator(directory: directory, logger: TestStack.logger).migrate(s)
        #expect(again.applied.isEmpty)
        #expect(files.count >= 4)
        #expect(again.alreadyApplied.count == files.count)
        let hypertables = try s.execute("SELECT hypertable_name FROM timescaledb_information.hypertables ORDER BY 1")
        #expect((0..<hypertables.rowCount).map { hypertables.string($0, 0) } == [
            "crowd_forecasts", "crowd_levels", "forecast_errors", "lap_times", "occupancy_forecasts", "occupancy_history", "park_weather", "parking_stays",
            "telemetry", "telemetry_1s", "wait_predictions", "wait_times",
        ])
        // Current-state tables leave room on their pages for HOT updates (migration 0012); appends don't.
        let packed = try s.execute(
            """
            SELECT relname, coalesce(array_to_string(reloptions, ','), '') FROM pg_class
            WHERE relname IN ('turnstile_offsets', 'attraction_current', 'attraction_baselines', 'park_crowd_current', 'wait_times')
            ORDER BY 1
            """)
        #expect((0..<packed.rowCount).map { "\(packed.string($0, 0) ?? ""):\(packed.string($0, 1) ?? "")" } == [
            "attraction_baselines:fillfactor=50", "attraction_current:fillfactor=50", "park_crowd_current:fillfactor=50",
            "turnstile_offsets:fillfactor=50", "wait_times:",
        ])
    }

    /// The query service's role (`QueryRole`, made by the migrations) reads the projections' tables, a hypertable's
    /// chunks, tables made after it was granted and a version's schema migrated later, and may write none of them.
    @Test func theQueryRoleReadsAndCannotWrite() throws {
        let ns = try TestNamespace.make()
        defer { ns.drop() }
        let admin = try ns.session()
        defer { admin.close() }
        _ = try admin.execute(
            "INSERT INTO wait_times (time, park_id, attraction_id, wait_minutes, status) VALUES ('2024-05-20T10:00:00Z', 'p', 'a', 15, 'OPERATING')")
        _ = try admin.execute("CREATE TABLE later_table (x int)")
        let placement = TablePlacement.version(9, of: "parks_wait_times")
        var runtime = RuntimeTables().at(placement)
        runtime.outbox = placement.schema! + ".turnstile_outbox"
        _ = try Migrator(
            directory: TestStack.repository + "/projections/migrations", tables: ProjectionRegistry.tables, runtime: runtime,
            placement: placement, logger: TestStack.logger
        ).migrate(admin, verifying: false)
        _ = try admin.execute("INSERT INTO \(placement.name("wait_times")) SELECT * FROM wait_times")

        let url = QueryRole().url(from: ns.databaseURL)
        #expect(url.contains("://turnstile_query@") && !url.contains("postgres@"))
        let reader = try PGSession.connect(url: url)
        defer { reader.close() }
        #expect(try reader.execute("SELECT current_user").string(0, 0) == "turnstile_query")
        #expect(try reader.execute("SELECT count(*) FROM wait_times WHERE park_id = 'p'").int(0, 0) == 1, "a hypertable, through its chunks")
        #expect(try reader.execute("SELECT count(*) FROM \(placement.name("wait_times"))").int(0, 0) == 1, "a version's schema")
        #expect(try reader.execute("SELECT count(*) FROM later_table").int(0, 0) == 0, "a table made after the grant")
        #expect(try reader.execute("SELECT count(*) FROM attraction_current").int(0, 0) == 0)
        let writes = [
            "INSERT INTO wait_times (time, park_id, attraction_id, wait_minutes, status) VALUES (now(), 'p', 'b', 5, 'OPERATING')",
            "UPDATE wait_times SET wait_minutes = 99", "DELETE FROM wait_times", "TRUNCATE wait_times",
            "INSERT INTO \(placement.name("wait_times")) SELECT * FROM wait_times", "UPDATE turnstile_offsets SET next_offset = 0",
            "CREATE TABLE stray (x int)", "DROP TABLE later_table", "ALTER TABLE attraction_current ADD COLUMN stray int",
            "CREATE SCHEMA stray", "CREATE TABLE \(placement.schema!).stray (x int)",
        ]
        for sql in writes {
            do {
                _ = try reader.execute(sql)
                Issue.record("the query role could run: \(sql)")
            } catch {
                #expect(error.sqlState == "42501", "\(sql): \(error.message)")
            }
        }
        #expect(try admin.execute("SELECT count(*) FROM wait_times").int(0, 0) == 1, "nothing written")
    }

    /// The migrations and the declarations must agree; when they do not, migrating says where and how.
    @Test func tablesThatDoNotMatchTheirDeclarationsAreReported() throws {
        let ns = try TestNamespace.make()
        defer { ns.drop() }
        let s = try ns.session()
        defer { s.close() }
        let migrator = Migrator(directory: TestStack.repository + "/projections/migrations", logger: TestStack.logger)
        try migrator.verify(s, timescale: true)
        _ = try s.execute("ALTER TABLE wait_times ALTER COLUMN wait_minutes TYPE bigint")
        _ = try s.execute("ALTER TABLE park_schedules ALTER COLUMN time_zone SET NOT NULL")
        _ = try s.execute("ALTER TABLE stints DROP COLUMN clean_laps")
        _ = try s.execute("ALTER TABLE parking_state ADD COLUMN extra text NOT NULL")
        _ = try s.execute("ALTER TABLE session_leaderboard DROP CONSTRAINT session_leaderboard_pkey")
        _ = try s.execute("DROP TABLE telemetry_1s")
        let error = #expect(throws: MigrationError.self) { try migrator.migrate(s) }
        let reason = error?.reason ?? ""
        for expected in [
            "wait_times.wait_minutes: declared integer, the table has bigint",
            "park_schedules.time_zone: declared nullable, the table's is NOT NULL",
            "stints.clean_laps: declared, but the table has no such column",
            "parking_state.extra: NOT NULL without a default, but not declared",
            "session_leaderboard: declared key (session_id, driver_number), primary key ()",
            "telemetry_1s: missing",
        ] {
            #expect(reason.contains(expected), "\(expected)\nnot in: \(reason)")
        }
    }

    /// Migration 0013 gives the telemetry fold a state table; cars folded before it keep their repeat filter.
    @Test func telemetryStateIsBackfilledFromTheSamplesAlreadyStored() throws {
        let ns = try TestNamespace.make()
        defer { ns.drop() }
        let s = try ns.session()
        defer { s.close() }
        // The schema as it was before 0013, beside the current one.
        let old = FileManager.default.temporaryDirectory.appendingPathComponent("migrations-\(ns.id)").path
        try FileManager.default.createDirectory(atPath: old, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: old) }
        let all = TestStack.repository + "/projections/migrations"
        for file in try FileManager.default.contentsOfDirectory(atPath: all) where file < "0013" {
            try FileManager.default.copyItem(atPath: all + "/" + file, toPath: old + "/" + file)
        }
        let runtime = RuntimeTables(offsets: "offsets_old", outbox: "outbox_old", migrations: "migrations_old")
        let placement = TablePlacement(suffix: "_old")
        _ = try Migrator(directory: old, runtime: runtime, placement: placement, logger: TestStack.logger).migrate(s, verifying: false)
        #expect(try s.execute("SELECT to_regclass('telemetry_cars_old') IS NULL").bool(0, 0) == true)
        // Car 7 has 70 samples (only the newest 64 are kept), car 8 has two.
        _ = try s.execute(
            """
            INSERT INTO telemetry_old (time, session_id, driver_number, speed, throttle, brake, gear, rpm, drs)
            SELECT to_timestamp(1700000000 + n), 'race/1', 7, 300, 100, 0, 8, 11000, 0 FROM generate_series(1, 70) n
            UNION ALL SELECT to_timestamp(1700000000 + n), 'race/1', 8, 300, 100, 0, 8, 11000, 0 FROM generate_series(1, 2) n
            """)
        _ = try Migrator(directory: all, runtime: runtime, placement: placement, logger: TestStack.logger).migrate(s)
        let r = try s.execute(
            """
            SELECT driver_number, cardinality(recent_times), recent_times[1], recent_times[cardinality(recent_times)],
                   extract(epoch FROM updated_at)::bigint
            FROM telemetry_cars_old ORDER BY driver_number
            """)
        #expect(r.rowCount == 2)
        #expect(try (0..<5).map { try r.int(0, $0) } == [7, 64, 1_700_000_007_000_000, 1_700_000_070_000_000, 1_700_000_070])
        #expect(try (0..<4).map { try r.int(1, $0) } == [8, 2, 1_700_000_001_000_000, 1_700_000_002_000_000])
        // And the fold reads it back as its state.
        let states = try TelemetryStore(placement: placement).loadStates(["race/1/7", "race/1/8", "race/1/9"], session: s)
        #expect(states["race/1/7"]?.recentTimes.count == 64)
        #expect(states["race/1/8"]?.recentTimes == [1_700_000_001_000_000, 1_700_000_002_000_000])
        #expect(states["race/1/9"] == nil)
    }

    @Test func templatesResolveTableNamesAndRefuseUnknownOnes() throws {
        let m = Migrator(directory: "/nonexistent", placement: TablePlacement(suffix: "_v2"), logger: TestStack.logger)
        #expect(try m.render("SELECT * FROM {{wait_times}} JOIN {{ attraction_current }}", file: "f") == "SELECT * FROM wait_times_v2 JOIN attraction_current_v2")
        // Every registered projection's tables, and the runtime's (which a placement does not move).
        #expect(try m.render("{{session_state}} {{parking_state}} {{telemetry_1s}} {{outbox}}", file: "f") == "session_state_v2 parking_state_v2 telemetry_1s_v2 turnstile_outbox")
        let schema = Migrator(directory: "/nonexistent", placement: TablePlacement(schema: "rebuild"), logger: TestStack.logger)
        #expect(try schema.render("{{crowd_levels}}", file: "f") == "rebuild.crowd_levels")
        // Objects named after their table live in its schema, named without it.
        #expect(try schema.render("CREATE INDEX {{crowd_levels}}_park_idx ON {{crowd_levels}} (park_id)", file: "f")
            == "CREATE INDEX crowd_levels_park_idx ON rebuild.crowd_levels (park_id)")
        #expect(throws: MigrationError.self) { try m.render("SELECT * FROM {{wait_tims}}", file: "f") }
        #expect(throws: MigrationError.self) { try m.render("SELECT {{wait_times", file: "f") }
    }

    @Test func withoutTimescaleTablesStayPlain() throws {
        let m = Migrator(directory: "/nonexistent", logger: TestStack.logger)
        let sql = "CREATE TABLE t (time timestamptz);\n--! hypertable t time 1 day\nCREATE INDEX i ON t (time);"
        let plain = try m.statements(sql, file: "f", timescale: false)
        #expect(plain.count == 2)
        #expect(!plain.joined().contains("create_hypertable"))
        let timescale = try m.statements(sql, file: "f", timescale: true)
        #expect(timescale.count == 3)
        #expect(timescale[1].contains("create_hypertable('t', 'time', chunk_time_interval => interval '1 day'"))
    }
}
