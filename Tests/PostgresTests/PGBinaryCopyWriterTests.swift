import Testing

@testable import Postgres

@Suite struct PGBinaryCopyWriterTests {
    static let header: [UInt8] = [
        0x50, 0x47, 0x43, 0x4F, 0x50, 0x59, 0x0A, 0xFF, 0x0D, 0x0A, 0x00, 0, 0, 0, 0, 0, 0, 0, 0,
    ]
    static let trailer: [UInt8] = [0xFF, 0xFF]

    @Test func emptyStreamIsHeaderAndTrailer() {
        #expect(PGBinaryCopyWriter().finish() == Self.header + Self.trailer)
    }

    @Test func rowOfEveryTypeHasTheDocumentedLayout() {
        var writer = PGBinaryCopyWriter(reservingCapacity: 8)  // small on purpose: exercises growing
        writer.beginRow(columns: 13)
        writer.int16(-2)
        writer.int32(0x0102_0304)
        writer.int64(-1)
        writer.float4(1.5)
        writer.float8(-2.5)
        writer.bool(true)
        writer.text("hé")
        writer.timestamptz(microsecondsSinceUnixEpoch: 946_684_800_000_001)  // 2000-01-01 00:00:00.000001
        writer.null()
        writer.jsonb("{}")
        writer.uuid(high: 0x0011_2233_4455_6677, low: 0x8899_AABB_CCDD_EEFF)
        writer.bytea([])
        writer.date(daysSinceUnixEpoch: 10_958)  // 2000-01-02
        #expect(writer.rowCount == 1)

        let expected: [UInt8] =
            Self.header
            + [0x00, 0x0D]  // 13 fields
            + [0, 0, 0, 2, 0xFF, 0xFE]
            + [0, 0, 0, 4, 0x01, 0x02, 0x03, 0x04]
            + [0, 0, 0, 8, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]
            + [0, 0, 0, 4, 0x3F, 0xC0, 0x00, 0x00]  // 1.5f
            + [0, 0, 0, 8, 0xC0, 0x04, 0, 0, 0, 0, 0, 0]  // -2.5
            + [0, 0, 0, 1, 0x01]
            + [0, 0, 0, 3, 0x68, 0xC3, 0xA9]  // "hé" in UTF-8
            + [0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 1]  // 1 µs after 2000-01-01
            + [0xFF, 0xFF, 0xFF, 0xFF]  // NULL
            + [0, 0, 0, 3, 0x01, 0x7B, 0x7D]  // jsonb version 1, "{}"
            + [0, 0, 0, 16, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77]
            + [0x88, 0x99, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xFF]
            + [0, 0, 0, 0]  // empty bytea
            + [0, 0, 0, 4, 0, 0, 0, 1]  // one day after 2000-01-01
            + Self.trailer
        #expect(writer.finish() == expected)
    }

    @Test func timestampsBeforeTheEpochAndInfinity() {
        var writer = PGBinaryCopyWriter()
        writer.beginRow(columns: 3)
        writer.timestamptz(microsecondsSinceUnixEpoch: 0)  // 1970: 946_684_800_000_000 µs before 2000
        writer.timestamptz(microsecondsSinceUnixEpoch: .max)
        writer.timestamptz(microsecondsSinceUnixEpoch: .min)
        let bytes = writer.finish()
        let fields = Array(bytes[(Self.header.count + 2)...].dropLast(2))
        let beforeY2K = withUnsafeBytes(of: Int64(-946_684_800_000_000).bigEndian) { Array($0) }
        #expect(
            fields == [0, 0, 0, 8] + beforeY2K + [0, 0, 0, 8, 0x7F] + Array(repeating: 0xFF, count: 7)
                + [0, 0, 0, 8, 0x80] + Array(repeating: 0, count: 7))
    }

    @Test func copiesDoNotShareWrites() {
        var first = PGBinaryCopyWriter()
        first.beginRow(columns: 1)
        first.int32(1)
        var second = first
        second.beginRow(columns: 1)
        second.int32(2)
        #expect(first.rowCount == 1 && second.rowCount == 2)
        #expect(second.byteCount == first.byteCount + 10)
        #expect(Array(first.finish().suffix(6)) == [0, 0, 0, 1, 0xFF, 0xFF])
    }

    @Test func removeAllRowsStartsANewStreamAndTrailerIsWrittenOnce() {
        var writer = PGBinaryCopyWriter()
        writer.beginRow(columns: 1)
        writer.text("x")
        writer.appendTrailer()
        writer.appendTrailer()
        #expect(writer.byteCount == Self.header.count + 2 + 5 + 2)
        writer.removeAllRows()
        #expect(writer.rowCount == 0)
        #expect(writer.finish() == Self.header + Self.trailer)
    }
}
