import Events
import Hummingbird

/// The half-open range `[from, to)` of a history query, from the `from` and `to` query parameters.
struct TimeRange: Sendable, Equatable {
    var from: Timestamp
    var to: Timestamp

    /// Longest range one request may scan: keeps a single query's cost bounded.
    static let maxDays: Int64 = 90
    static let maxMicroseconds = maxDays * 86_400 * 1_000_000

    init(from: Timestamp, to: Timestamp) {
        self.from = from
        self.to = to
    }

    init(query: Parameters) throws(QueryError) {
        let from = try Self.timestamp(query, "from")
        let to = try Self.timestamp(query, "to")
        guard to > from else {
            throw .invalidParameter("to", "'to' (\(to.iso8601)) must be after 'from' (\(from.iso8601))")
        }
        guard to.microseconds - from.microseconds <= Self.maxMicroseconds else {
            throw .invalidParameter(
                "to", "the range from 'from' to 'to' is longer than \(Self.maxDays) days; query a shorter range")
        }
        self.init(from: from, to: to)
    }

    private static func timestamp(_ query: Parameters, _ name: String) throws(QueryError) -> Timestamp {
        guard let text = query.get(name), !text.isEmpty else {
            throw .invalidParameter(name, "'\(name)' is required: an RFC 3339 time such as 2024-05-23T10:00:00Z")
        }
        guard let time = Timestamp(iso8601: text) else {
            throw .invalidParameter(
                name, "'\(name)' must be an RFC 3339 time such as 2024-05-23T10:00:00Z, got '\(text.prefix(64))'")
        }
        return time
    }
}
