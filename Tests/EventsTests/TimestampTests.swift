import Events
import Testing

@Suite struct TimestampTests {
    @Test func parsesRFC3339Variants() throws {
        #expect(Timestamp(iso8601: "1970-01-01T00:00:00Z")?.microseconds == 0)
        #expect(Timestamp(iso8601: "2024-05-23T10:15:00Z")?.seconds == 1_716_459_300)
        #expect(Timestamp(iso8601: "2024-05-23T10:15:00.5Z")?.microseconds == 1_716_459_300_500_000)
        #expect(Timestamp(iso8601: "2024-05-23T12:15:00+02:00")?.seconds == 1_716_459_300)
        #expect(Timestamp(iso8601: "2024-05-23T03:15:00-0700")?.seconds == 1_716_459_300)
        #expect(Timestamp(iso8601: "2024-05-23 10:15:00.123456789Z")?.microseconds == 1_716_459_300_123_456)
        #expect(Timestamp(iso8601: "2024-05-23")?.seconds == 1_716_422_400)
        #expect(Timestamp(iso8601: "2024-05-23T10:15Z")?.seconds == 1_716_459_300)
        #expect(Timestamp(iso8601: "1969-12-31T23:59:59.5Z")?.microseconds == -500_000)
    }

    @Test func rejectsGarbage() {
        for bad in ["", "2024", "2024-13-01T00:00:00Z", "2024-05-23T25:00:00Z", "2024-05-23T10:15:00Q", "yesterday",
                    "2024-05-23T10:15:00.Z", "2024-05-23T10:15:00Z trailing"] {
            #expect(Timestamp(iso8601: bad) == nil, "\(bad)")
        }
    }

    @Test func formatsAndRoundTrips() {
        #expect(Timestamp(microseconds: 0).iso8601 == "1970-01-01T00:00:00Z")
        #expect(Timestamp(microseconds: 1_716_459_300_500_000).iso8601 == "2024-05-23T10:15:00.500Z")
        #expect(Timestamp(microseconds: 1_716_459_300_000_001).iso8601 == "2024-05-23T10:15:00.000001Z")
        #expect(Timestamp(microseconds: -500_000).iso8601 == "1969-12-31T23:59:59.500Z")
        for micros: Int64 in [0, 1, -1, 951_782_400_000_000, 4_102_444_800_000_000, 1_716_459_300_123_456] {
            let t = Timestamp(microseconds: micros)
            #expect(Timestamp(iso8601: t.iso8601) == t)
        }
    }

    @Test func hourOfWeekIsISOAndShiftsByOffset() {
        // 2024-05-23 was a Thursday.
        let t = Timestamp(iso8601: "2024-05-23T10:15:00Z")!
        #expect(t.hourOfWeek() == (3, 10))
        #expect(t.hourOfWeek(offsetSeconds: 14 * 3600) == (4, 0))
        #expect(t.hourOfWeek(offsetSeconds: -11 * 3600) == (2, 23))
        #expect(Timestamp(iso8601: "2024-05-26T23:59:59Z")!.hourOfWeek() == (6, 23))
        #expect(Timestamp(iso8601: "2024-05-27T00:00:00Z")!.hourOfWeek() == (0, 0))
    }
}
