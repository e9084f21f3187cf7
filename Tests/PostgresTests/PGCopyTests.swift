import Testing

@testable import Postgres

@Suite(.enabled(if: TestDatabase.isAvailable, "needs DATABASE_URL"))
struct PGCopyTests {
    static let columns = "(id, x, name, at, missing, flag, doc)"
    static let createTable = """
        CREATE TEMP TABLE copied (id int8, x float8, name text, at timestamptz, missing int4, flag bool, doc jsonb)
        """

    struct Row: Equatable {
        var id: Int64
        var x: Double
        var name: String
        var at: Int64
        var flag: Bool
        var doc: String
    }

    static func row(_ i: Int) -> Row {
        Row(
            id: Int64(i) * 7 - 35_000, x: Double(i) / 3, name: "name \(i) \u{00E9}\"'\\,{}",
            at: 1_716_459_300_000_000 + Int64(i) * 1_001,
            flag: i % 3 == 0, doc: #"{"i": \#(i), "tags": ["a", "b"]}"#)
    }

    @Test func tenThousandRowsRoundTrip() throws {
        let session = try TestDatabase.session()
        try session.execute(Self.createTable)
        let count = 10_000
        var writer = PGBinaryCopyWriter(reservingCapacity: count * 100)
        for i in 0..<count {
            let row = Self.row(i)
            writer.beginRow(columns: 7)
            writer.int64(row.id)
            writer.float8(row.x)
            writer.text(row.name)
            writer.timestamptz(microsecondsSinceUnixEpoch: row.at)
            writer.null()
            writer.bool(row.flag)
            writer.jsonb(row.doc)
        }
        let copied = try session.copyIn("COPY copied \(Self.columns) FROM STDIN (FORMAT binary)", data: writer.finish())
        #expect(copied == count)

        let result = try session.execute("SELECT id, x, name, at, missing, flag, doc FROM copied ORDER BY at")
        #expect(result.rowCount == count)
        var mismatches = 0
        for i in 0..<count {
            let back = Row(
                id: try result.int(i, 0) ?? -1, x: try result.double(i, 1) ?? -1, name: result.string(i, 2) ?? "",
                at: try result.timestamp(i, 3) ?? -1, flag: try result.bool(i, 5) ?? false,
                doc: result.string(i, 6) ?? "")
            if back != Self.row(i) || !result.isNull(i, 4) {
                mismatches += 1
                if mismatches < 5 { Issue.record("row \(i): \(back) != \(Self.row(i))") }
            }
        }
        #expect(mismatches == 0)
    }

    @Test func writerBatchesAreReusedAfterASuccessfulCopy() throws {
        let session = try TestDatabase.session()
        try session.execute("CREATE TEMP TABLE batches (id int8, at timestamptz)")
        var writer = PGBinaryCopyWriter()
        for batch in 0..<3 {
            for i in 0..<100 {
                writer.beginRow(columns: 2)
                writer.int64(Int64(batch * 100 + i))
                writer.timestamptz(microsecondsSinceUnixEpoch: -Int64(i))
            }
            #expect(try session.copyIn("COPY batches FROM STDIN (FORMAT binary)", rows: &writer) == 100)
            #expect(writer.rowCount == 0)
        }
        let summary = try session.execute("SELECT count(DISTINCT id), min(at) FROM batches")
        #expect(try summary.int(0, 0) == 300)
        #expect(try summary.timestamp(0, 1) == -99)
    }

    @Test func badCopyDataFailsCleanlyAndKeepsTheBatch() throws {
        let session = try TestDatabase.session()
        try session.execute("CREATE TEMP TABLE strict_types (id int4)")
        var writer = PGBinaryCopyWriter()
        writer.beginRow(columns: 1)
        writer.int64(1)  // int8 bytes into an int4 column: binary COPY does not cast
        do throws(PGError) {
            try session.copyIn("COPY strict_types FROM STDIN (FORMAT binary)", rows: &writer)
            Issue.record("expected the server to reject the data")
        } catch {
            #expect(error.kind == .copy)
            #expect(error.sqlState == "22P03")  // invalid_binary_representation
        }
        #expect(writer.rowCount == 1)  // kept for a retry
        #expect(try session.execute("SELECT count(*) FROM strict_types").int(0, 0) == 0)
        #expect(throws: PGError.self) { try session.copyIn("SELECT 1", data: []) }
        #expect(throws: PGError.self) { try session.copyIn("COPY no_such_table FROM STDIN (FORMAT binary)", data: []) }
        #expect(try session.execute("SELECT 2").int(0, 0) == 2)
    }
}
