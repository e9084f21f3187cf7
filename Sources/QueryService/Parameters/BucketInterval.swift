import Events
import Hummingbird

/// The bucket width of a history query: a number and a unit, `30s`, `5m`, `15m`, `1h`, `1d`.
struct BucketInterval: Sendable, Equatable {
    var seconds: Int64

    static let `default` = BucketInterval(seconds: 15 * 60)
    /// Most buckets one answer may hold.
    static let maxBuckets: Int64 = 10_000
    /// Where buckets start: TimescaleDB's `time_bucket` origin (Monday 2000-01-03 UTC), which the plain
    /// PostgreSQL fallback uses too so both give the same buckets.
    static let originSeconds: Int64 = 946_857_600

    init(seconds: Int64) { self.seconds = seconds }

    /// Reads `interval`, or the default when it is absent.
    init(query: Parameters) throws(QueryError) {
        guard let text = query.get("interval") else {
            self = .default
            return
        }
        let expected = "a whole number and a unit s, m, h or d, such as 30s, 15m, 1h or 1d"
        // At most 9 digits, so that number × unit cannot overflow.
        let digits = text.dropLast()
        guard let unit = text.last, let scale = Self.unitSeconds[unit], (1...9).contains(digits.count),
            digits.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int64(digits)
        else {
            throw .invalidParameter("interval", "'interval' must be \(expected), got '\(text.prefix(32))'")
        }
        guard number > 0 else {
            throw .invalidParameter("interval", "'interval' must be at least 1s (\(expected)), got '\(text)'")
        }
        let seconds = number * scale
        guard seconds <= TimeRange.maxMicroseconds / 1_000_000 else {
            throw .invalidParameter(
                "interval", "'interval' must be at most \(TimeRange.maxDays)d, got '\(text)'")
        }
        self.seconds = seconds
    }

    private static let unitSeconds: [Character: Int64] = ["s": 1, "m": 60, "h": 3_600, "d": 86_400]

    /// The text PostgreSQL casts to `interval`, sent as a parameter.
    var sqlText: String { "\(seconds) seconds" }

    /// Shortest spelling in the request's own syntax, e.g. `15m`.
    var text: String {
        for (unit, scale) in [("d", Int64(86_400)), ("h", 3_600), ("m", 60)] where seconds % scale == 0 {
            return "\(seconds / scale)\(unit)"
        }
        return "\(seconds)s"
    }

    /// How many buckets `range` touches, counting partial ones at both ends.
    func bucketCount(in range: TimeRange) -> Int64 {
        let width = seconds * 1_000_000
        let origin = Self.originSeconds * 1_000_000
        let first = Timestamp.floorDivision(range.from.microseconds - origin, width)
        let last = Timestamp.floorDivision(range.to.microseconds - 1 - origin, width)
        return last - first + 1
    }

    /// Rejects a range/interval pair that would produce more than `maxBuckets` buckets.
    func check(_ range: TimeRange) throws(QueryError) {
        let count = bucketCount(in: range)
        guard count <= Self.maxBuckets else {
            throw .invalidParameter(
                "interval",
                "'interval' \(text) splits the range into \(count) buckets, more than \(Self.maxBuckets); use a wider interval or a shorter range")
        }
    }
}
