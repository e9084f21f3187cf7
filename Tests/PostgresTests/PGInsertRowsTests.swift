import Testing

@testable import Postgres

/// `insertRows` sends small batches as one INSERT with binary parameters and large ones by COPY: both paths
/// must store exactly what binary COPY stores, including NULLs, empty values and upserts.
@Suite(.enabled(if: TestDatabase.isAvailable, "needs DATABASE_URL"))
struct PGInsertRowsTests {
    static let columns = ["id", "x", "name", "at", "missing", "flag", "doc", "raw"]
    static let createTable = """
        CREATE TEMP TABLE inserted (id int8 PRIMARY KEY, x float8, name text, at timestamptz, missing int4, flag bool,
          doc jsonb, raw bytea)
        """

    static func write(_ ids: Range<Int>, version: Int, into w: inout PGBinaryCopyWriter) {
        for i in ids {
            w.beginRow(columns: 8)
            w.int64(Int64(i))
            w.float8(Double(i) / 3 + Double(version))
            // Row 0 has an empty name: an empty value must not turn into NULL.
            w.text(i == 0 ? "" : "name \(i) v\(version) \u{00E9}\"'\\,{}")
            w.timestamptz(microsecondsSinceUnixEpoch: 1_716_459_300_000_000 + Int64(i) * 1_001)
            w.null()
            w.bool(i % 3 == 0)
            w.jsonb(#"{"i": \#(i), "v": \#(version)}"#)
            w.bytea(i == 1 ? [] : [0, UInt8(i % 256), 255])
        }
    }

    static func check(_ session: PGSession, ids: Range<Int>, version: Int) throws {
        let r = try session.execute("SELECT id, x, name, at, missing, flag, doc::text, raw FROM inserted ORDER BY id")
        #expect(r.rowCount == ids.count)
        for (row, i) in ids.enumerated() {
            #expect(try r.int(row, 0) == Int64(i))
            #expect(try r.double(row, 1) == Double(i) / 3 + Double(version))
            #expect(r.string(row, 2) == (i == 0 ? "" : "name \(i) v\(version) \u{00E9}\"'\\,{}"))
            #expect(try r.timestamp(row, 3) == 1_716_459_300_000_000 + Int64(i) * 1_001)
            #expect(r.isNull(row, 4))
            #expect(try r.bool(row, 5) == (i % 3 == 0))
            #expect(r.string(row, 6) == #"{"i": \#(i), "v": \#(version)}"#)
            #expect(try r.bytes(row, 7) == (i == 1 ? [] : [0, UInt8(i % 256), 255]))
        }
    }

    @Test(arguments: [3, 500])
    func rowsArriveAsCOPYWouldStoreThem(count: Int) throws {
        let session = try TestDatabase.session()
        try session.execute(Self.createTable)
        var w = PGBinaryCopyWriter()
        Self.write(0..<count, version: 0, into: &w)
        // 3 rows take the VALUES path, 500 rows (4 000 parameters) the COPY path.
        #expect((count * Self.columns.count <= PGSession.insertValuesParameterLimit) == (count == 3))
        #expect(try session.insertRows(into: "inserted", columns: Self.columns, rows: &w) == count)
        #expect(w.rowCount == 0)
        try Self.check(session, ids: 0..<count, version: 0)
    }

    @Test(arguments: [4, 600])
    func upsertsUpdateExistingKeysOnBothPaths(count: Int) throws {
        let session = try TestDatabase.session()
        try session.execute(Self.createTable)
        let updates = Self.columns.dropFirst().map { "\($0) = EXCLUDED.\($0)" }.joined(separator: ", ")
        var w = PGBinaryCopyWriter()
        Self.write(0..<count / 2, version: 0, into: &w)
        let inserted = try session.transaction { s in
            try s.insertRows(into: "inserted", columns: Self.columns, rows: &w)
        }
        #expect(inserted == count / 2)
        // Second half new, first half updated, in one statement.
        Self.write(0..<count, version: 1, into: &w)
        try session.transaction { s in
            let n = try s.insertRows(
                into: "inserted", columns: Self.columns, rows: &w, suffix: "ON CONFLICT (id) DO UPDATE SET \(updates)")
            #expect(n == count)
        }
        try Self.check(session, ids: 0..<count, version: 1)
    }

    @Test(arguments: [2, 400])
    func integerArraysRoundTripIncludingEmptyOnes(count: Int) throws {
        let session = try TestDatabase.session()
        try session.execute("CREATE TEMP TABLE arrays (id int4, small int4[] NOT NULL, big int8[] NOT NULL)")
        func small(_ i: Int) -> [Int32] { (0..<(i % 4)).map { Int32($0 * i) - 7 } }
        func big(_ i: Int) -> [Int64] { i % 2 == 0 ? [] : [Int64.max - Int64(i), Int64.min + 1, 0] }
        var w = PGBinaryCopyWriter()
        for i in 0..<count {
            w.beginRow(columns: 3)
            w.int32(Int32(i))
            w.int32Array(small(i))
            w.int64Array(big(i))
        }
        try session.insertRows(into: "arrays", columns: ["id", "small", "big"], rows: &w)
        let r = try session.execute(
            "SELECT id, array_to_string(small, ','), array_to_string(big, ','), cardinality(small) FROM arrays ORDER BY id")
        #expect(r.rowCount == count)
        for row in 0..<count {
            #expect(r.string(row, 1) == small(row).map(String.init).joined(separator: ","))
            #expect(r.string(row, 2) == big(row).map(String.init).joined(separator: ","))
            #expect(try r.int(row, 3) == Int64(small(row).count))
        }
    }

    @Test func aBadValueFailsWithTheServersErrorAndKeepsTheRows() throws {
        let session = try TestDatabase.session()
        try session.execute("CREATE TEMP TABLE narrow (n int4)")
        var w = PGBinaryCopyWriter()
        w.beginRow(columns: 1)
        w.int64(7)  // 8 bytes for a 4-byte column
        #expect(throws: PGError.self) { try session.insertRows(into: "narrow", columns: ["n"], rows: &w) }
        #expect(w.rowCount == 1)
    }

    /// A row with more or fewer fields than its columns is the encoder's bug: refused before anything is sent,
    /// as `.misuse`, never as the server's "bad data" (which the processor would blame on the events).
    @Test(arguments: [2, 600])
    func rowsThatDoNotMatchTheirColumnsAreRefusedBeforeSending(count: Int) throws {
        let session = try TestDatabase.session()
        try session.execute("CREATE TEMP TABLE pairs (a int4, b int4)")
        for missing in [true, false] {
            var w = PGBinaryCopyWriter(columns: 2)
            for i in 0..<count {
                w.beginRow()
                w.int32(Int32(i))
                if !(missing && i == count / 2) { w.int32(1) }
                if !missing && i == count - 1 { w.int32(2) }  // one too many in the last row
            }
            #expect(!w.isWellFormed)
            let error = #expect(throws: PGError.self) { try session.insertRows(into: "pairs", columns: ["a", "b"], rows: &w) }
            #expect(error?.kind == .misuse)
            #expect(error?.isDataError == false)
        }
        #expect(try session.execute("SELECT count(*) FROM pairs").int(0, 0) == 0)
        var good = PGBinaryCopyWriter(columns: 2)
        good.beginRow()
        good.int32(1)
        good.int32(2)
        #expect(good.isWellFormed)
        #expect(try session.insertRows(into: "pairs", columns: ["a", "b"], rows: &good) == 1)
    }
}
