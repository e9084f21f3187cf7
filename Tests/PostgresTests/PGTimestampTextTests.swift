import Testing

@testable import Postgres

@Suite struct PGTimestampTextTests {
    @Test(arguments: [
        (Int64(0), "1970-01-01T00:00:00Z"),
        (1_716_459_300_123_456, "2024-05-23T10:15:00.123456Z"),
        (1_716_459_300_500_000, "2024-05-23T10:15:00.500000Z"),
        (-1, "1969-12-31T23:59:59.999999Z"),
        (951_782_400_000_000, "2000-02-29T00:00:00Z"),
        (-62_135_596_800_000_000, "0001-01-01T00:00:00Z"),
        (253_402_300_800_000_000, "10000-01-01 00:00:00+00"),
        (-62_135_596_800_000_001, "0001-12-31 23:59:59.999999+00 BC"),
        (Int64.max, "infinity"),
        (Int64.min, "-infinity"),
    ])
    func formatsAndParsesBack(micros: Int64, text: String) {
        #expect(PGTimestampText.format(microsecondsSinceEpoch: micros) == text)
        #expect(PGTimestampText.parse(text) == micros)
    }

    @Test func parsesPostgresOutput() {
        #expect(PGTimestampText.parse("2024-05-23 10:15:00.5+00") == 1_716_459_300_500_000)
        #expect(PGTimestampText.parse("2024-05-23 10:15:00+00") == 1_716_459_300_000_000)
        #expect(PGTimestampText.parse("2024-05-23 15:45:00+05:30") == 1_716_459_300_000_000)
        #expect(PGTimestampText.parse("2024-05-23 06:15:00-04") == 1_716_459_300_000_000)
        #expect(PGTimestampText.parse("1799-12-31 20:29:08-03:30:52") == PGTimestampText.parse("1800-01-01 00:00:00Z"))
        #expect(PGTimestampText.parse("2024-05-23 10:15:00") == 1_716_459_300_000_000)  // timestamp: UTC
        #expect(PGTimestampText.parse("2024-05-23") == 1_716_422_400_000_000)  // date: midnight UTC
        // 44 BC is astronomical year -43.
        let idesOfMarch = PGTimestampText.days(fromCivil: -43, 3, 15) * 86_400_000_000 + 12 * 3_600_000_000
        #expect(PGTimestampText.parse("0044-03-15 12:00:00+00 BC") == idesOfMarch)
        // PostgreSQL's last timestamp is past Int64 microseconds since 1970 (year 294247): not representable.
        #expect(PGTimestampText.parse("294276-12-31 23:59:59.999999+00") == nil)
    }

    @Test(arguments: [
        "", "2024", "2024-13-01", "2024-05-23 10:15", "2024-05-23X", "infinityx", "2024-05-23 10:15:00+0x",
    ])
    func rejectsMalformedText(_ text: String) {
        #expect(PGTimestampText.parse(text) == nil)
    }

    @Test func civilConversionRoundTripsAcrossEras() {
        for days in stride(from: Int64(-2_500_000), through: 2_500_000, by: 997) {
            let (y, m, d) = PGTimestampText.civil(fromDays: days)
            #expect(PGTimestampText.days(fromCivil: y, m, d) == days)
        }
    }
}
