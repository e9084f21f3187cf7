@testable import Events
import Testing

/// Envelope times in Turnstile's own form are read at fixed positions; the general parser is the reference.
@Suite struct TimestampFastPathTests {
    static func both(_ text: String) -> (canonical: Int64?, general: Int64?) {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBufferPointer { (Timestamp.parseCanonical($0), Timestamp.parseGeneral($0, strict: false)) }
    }

    @Test(arguments: [
        "2024-05-23T10:15:00Z", "2024-05-23T10:15:00.500Z", "2024-05-23T10:15:00.123456Z", "1970-01-01T00:00:00Z",
        "1969-12-31T23:59:59.999Z", "0000-01-01T00:00:00Z", "9999-12-31T23:59:60.999999Z", "2024-02-29T00:00:00Z",
    ])
    func canonicalTimesAgreeWithTheGeneralParser(_ text: String) {
        let (canonical, general) = Self.both(text)
        #expect(canonical != nil)
        #expect(canonical == general)
        #expect(Timestamp(iso8601: text)?.microseconds == general)
    }

    @Test(arguments: [
        "2024-13-01T00:00:00Z", "2024-00-01T00:00:00Z", "2024-05-00T00:00:00Z", "2024-05-32T00:00:00Z",
        "2024-05-23T24:00:00Z", "2024-05-23T10:60:00Z", "2024-05-23T10:15:61Z", "2024-05-23t10:15:00Z",
        "2024-05-23 10:15:00Z", "2024-05-23T10:15:00.5Z", "2024-05-23T10:15:00,500Z", "2024-05-23T10:15:00.12aZ",
        "2024-05-23T10:15:00+0200", "2024-05-23T10:15:00.1+02:00", "2024-05-23T10:15:00z", "2O24-05-23T10:15:00Z",
        "2024-05-23T1:015:00Z", "-024-05-23T10:15:00Z", "2024-05-23T10:15:00.123456789Z", "2024-05-23T10:15:0/Z",
        "2024-02-30T00:00:00Z", "2023-02-29T00:00:00Z", "2024-04-31T00:00:00Z",
    ])
    func otherTimesGoToTheGeneralParser(_ text: String) {
        let (canonical, general) = Self.both(text)
        #expect(canonical == nil || canonical == general, "\(text)")
        #expect(Timestamp(iso8601: text)?.microseconds == general)
    }
}
