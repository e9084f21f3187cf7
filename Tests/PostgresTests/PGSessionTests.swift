import TestSupport
import Testing

@testable import Postgres

@Test func databaseIsConfiguredWhenRequired() {
    #expect(
        TestEnvironment.databaseURL != nil || !TestEnvironment.isStackRequired,
        "TURNSTILE_REQUIRE_STACK=1 but DATABASE_URL is not set: run eval \"$(ops/stack up)\" first")
}

@Suite(.enabled(if: TestDatabase.isAvailable, "needs DATABASE_URL"))
struct PGSessionTests {
    @Test func parametersOfEveryTypeRoundTrip() throws {
        let session = try TestDatabase.session()
        let allBytes = (0...255).map { UInt8($0) }
        let result = try session.execute(
            """
            SELECT $1::text AS t, $2 AS i, $3 AS d, $4 AS b, $5 AS ts, $6::jsonb AS j, $7 AS bin,
                   $8 AS ints, $9 AS texts, $10::text AS n, $11 AS empty_bin, $12 AS nan, $13 AS neg_inf,
                   $14 AS min_int, $15 AS inf_ts
            """,
            [
                .text("héllo 'quoted' \"double\" \\ ✓"), .int(Int64.max), .double(0.1), .bool(true),
                .timestamp(1_716_459_300_123_456), .json(#"{"a": [1, 2.5, "x"]}"#), .bytea(allBytes),
                .intArray([1, -2, 3]), .textArray(["a", "b,c", nil, "NULL", "q\"uote"]), .null, .bytea([]),
                .double(.nan), .double(-.infinity), .int(Int64.min), .timestamp(PGTimestampText.infinity),
            ])
        #expect(result.rowCount == 1)
        #expect(result.columnNames.first == "t")
        #expect(result.string(0, 0) == "héllo 'quoted' \"double\" \\ ✓")
        #expect(try result.int(0, "i") == Int64.max)
        #expect(try result.double(0, "d") == 0.1)
        #expect(try result.bool(0, "b") == true)
        #expect(try result.timestamp(0, "ts") == 1_716_459_300_123_456)
        #expect(try result.string(0, "j") == #"{"a": [1, 2.5, "x"]}"#)
        #expect(try result.bytes(0, "bin") == allBytes)
        #expect(try result.intArray(0, "ints") == [1, -2, 3])
        #expect(try result.textArray(0, "texts") == ["a", "b,c", nil, "NULL", "q\"uote"])
        #expect(try result.isNull(0, "n"))
        #expect(try result.string(0, "n") == nil)
        #expect(try result.int(0, "n") == nil)
        #expect(try result.bytes(0, "empty_bin") == [])
        #expect(try result.double(0, "nan")?.isNaN == true)
        #expect(try result.double(0, "neg_inf") == -.infinity)
        #expect(try result.int(0, "min_int") == Int64.min)
        #expect(try result.timestamp(0, "inf_ts") == PGTimestampText.infinity)
        #expect(result.columnTypeOID(1) == PGValue.TypeOID.int8)
        #expect(result.columnTypeOID(4) == PGValue.TypeOID.timestamptz)
    }

    /// Binary results: integers of every width (signs included), text and bytea as they are, NULL as nil;
    /// a type read only from text refuses the binary column instead of misreading it.
    @Test func binaryResultsReadIntegersTextAndBytea() throws {
        let session = try TestDatabase.session()
        let allBytes = (0...255).map { UInt8($0) }
        let r = try session.execute(
            """
            SELECT (-2)::smallint, (-70000)::integer, $1::bigint, 'héllo ✓'::text, $2::bytea, ''::bytea,
                   NULL::bytea, NULL::bigint, 32767::smallint, 1.5::float8
            """, [.int(Int64.min), .bytea(allBytes)], binaryResults: true)
        #expect(try r.int(0, 0) == -2)
        #expect(try r.int(0, 1) == -70_000)
        #expect(try r.int(0, 2) == Int64.min)
        #expect(r.string(0, 3) == "héllo ✓")
        #expect(try r.bytes(0, 4) == allBytes)
        #expect(try r.bytes(0, 5) == [])
        #expect(try r.bytes(0, 6) == nil)
        #expect(try r.int(0, 7) == nil)
        #expect(try r.int(0, 8) == 32_767)
        #expect(throws: PGError.self) { try r.double(0, 9) }
        // Without parameters too.
        #expect(try session.execute("SELECT 42::bigint", binaryResults: true).int(0, 0) == 42)
    }

    @Test func timestampsRoundTripThroughTheServer() throws {
        let session = try TestDatabase.session()
        let samples: [Int64] = [
            0, -1, 1, 1_716_459_300_000_000, 1_716_459_300_500_000, -62_135_596_800_000_000,
            -62_135_596_800_000_001, 253_402_300_800_000_000, -210_866_803_200_000_000,
            PGTimestampText.negativeInfinity,
        ]
        for micros in samples {
            let result = try session.execute(
                "SELECT $1::timestamptz AS ts, $1::timestamptz::text AS text, $1::timestamptz::timestamp AS local",
                [.timestamp(micros)])
            #expect(try result.timestamp(0, "ts") == micros, "\(micros) came back as \(result.string(0, 1) ?? "NULL")")
            #expect(try result.timestamp(0, "local") == micros)
        }
        // The session is pinned to UTC whatever the server's default, so output is always +00.
        let now = try session.execute("SELECT '2024-05-23 12:15:00+02'::timestamptz")
        #expect(now.string(0, 0) == "2024-05-23 10:15:00+00")
    }

    @Test func syntaxErrorCarriesSQLStateAndAdvice() throws {
        let session = try TestDatabase.session()
        do throws(PGError) {
            try session.execute("SELEC 1")
            Issue.record("expected an error")
        } catch {
            #expect(error.sqlState == "42601")
            #expect(error.kind == .query)
            #expect(!error.isConnectionLost)
            #expect(error.sql == "SELEC 1")
            #expect(error.description.contains("fix the SQL syntax"))
        }
        // The session is still usable.
        #expect(try session.execute("SELECT 1").int(0, 0) == 1)
    }

    @Test func uniqueViolationIsDetected() throws {
        let session = try TestDatabase.session()
        try session.execute("CREATE TEMP TABLE uniq (id int8 PRIMARY KEY)")
        try session.execute("INSERT INTO uniq VALUES ($1)", [.int(1)])
        #expect {
            try session.execute("INSERT INTO uniq VALUES ($1)", [.int(1)])
        } throws: { error in
            guard let error = error as? PGError else { return false }
            return error.isUniqueViolation && error.detail?.contains("(id)=(1)") == true
        }
    }

    @Test func notificationsArriveOnCommitAndWaitsTimeOut() throws {
        let listener = try TestDatabase.session()
        let notifier = try TestDatabase.session()
        defer { listener.close(); notifier.close() }
        let channel = "turnstile_test_\(UInt32.random(in: 0...UInt32.max))"
        try listener.execute("LISTEN \(PGSession.quoteIdentifier(channel))")
        #expect(try listener.waitForNotifications(timeoutMs: 50).isEmpty)
        // Inside a transaction the notification waits for the commit.
        try notifier.transaction { tx in
            _ = try tx.execute("SELECT pg_notify($1, '')", [.text(channel)])
            #expect(try listener.waitForNotifications(timeoutMs: 100).isEmpty)
        }
        #expect(try listener.waitForNotifications(timeoutMs: 5_000) == [channel])
        #expect(try listener.waitForNotifications(timeoutMs: 50).isEmpty)
    }

    @Test func transactionRollsBackOnThrownErrorAndCommitsOtherwise() throws {
        struct Boom: Error {}
        let session = try TestDatabase.session()
        try session.execute("CREATE TEMP TABLE tx (id int8)")
        #expect(throws: Boom.self) {
            try session.transaction { tx in
                try tx.execute("INSERT INTO tx VALUES (1)")
                throw Boom()
            }
        }
        #expect(try session.execute("SELECT count(*) FROM tx").int(0, 0) == 0)
        #expect(!session.isInTransaction)

        let inserted = try session.transaction { tx in try tx.execute("INSERT INTO tx VALUES (2), (3)").affectedRows }
        #expect(inserted == 2)
        #expect(try session.execute("SELECT count(*) FROM tx").int(0, 0) == 2)

        // A failed statement whose error the body swallowed must not look like a commit.
        #expect {
            try session.transaction { tx in
                _ = try? tx.execute("INSERT INTO tx VALUES ('not a number')")
                _ = try? tx.execute("INSERT INTO tx VALUES (4)")
            }
        } throws: { error in (error as? PGError)?.sqlState == "25P02" }
        #expect(try session.execute("SELECT count(*) FROM tx").int(0, 0) == 2)
    }

    @Test func scriptsPreparedStatementsAndCommandStatus() throws {
        let session = try TestDatabase.session()
        let last = try session.execute(
            """
            CREATE TEMP TABLE script (id int8, name text);
            INSERT INTO script VALUES (1, 'a'), (2, 'b');
            UPDATE script SET name = 'c' WHERE id = 2;
            """)
        #expect(last.affectedRows == 1)
        #expect(last.commandStatus == "UPDATE 1")
        try session.prepare("by_id", "SELECT name FROM script WHERE id = $1")
        #expect(try session.executePrepared("by_id", [.int(1)]).string(0, "name") == "a")
        #expect(try session.executePrepared("by_id", [2]).string(0, 0) == "c")
        // A notice (no such table) goes to the logger, not stderr, and does not disturb anything.
        try session.execute("DROP TABLE IF EXISTS no_such_table_here")
    }

    @Test func resetReconnectsAndRestoresPreparedStatementsAndSettings() throws {
        let session = try TestDatabase.session()
        try session.prepare("plus_one", "SELECT $1::int8 + 1")
        let before = session.backendPID
        try session.execute("SET TimeZone TO 'America/New_York'")
        try session.reset()
        #expect(session.backendPID != before)
        #expect(session.probe())
        #expect(try session.executePrepared("plus_one", [41]).int(0, 0) == 42)
        #expect(try session.execute("SHOW TimeZone").string(0, 0) == "UTC")
    }

    @Test func decodingErrorsNameTheColumn() throws {
        let session = try TestDatabase.session()
        let result = try session.execute("SELECT 'abc' AS word, 1.5::float8 AS x")
        #expect {
            try result.int(0, "word")
        } throws: { error in
            guard let error = error as? PGError else { return false }
            return error.kind == .decoding && error.message.contains("\"word\"")
        }
        #expect(throws: PGError.self) { try result.int(0, "x") }
        #expect(throws: PGError.self) { try result.string(0, "missing") }
    }

    @Test func copyThroughExecuteIsRefusedAndTheSessionSurvives() throws {
        let session = try TestDatabase.session()
        try session.execute("CREATE TEMP TABLE c (id int8)")
        #expect {
            try session.execute("COPY c FROM STDIN")
        } throws: { error in (error as? PGError)?.kind == .protocol }
        #expect(try session.execute("SELECT count(*) FROM c").int(0, 0) == 0)
    }

    @Test func closedSessionThrows() throws {
        let session = try TestDatabase.session()
        session.close()
        #expect(!session.isConnected)
        #expect(throws: PGError.self) { try session.execute("SELECT 1") }
        session.close()
    }
}
