import Events
import Hummingbird

/// The optional `since` and `limit` query parameters of a list that grows (events, alerts, commentary), read
/// one way everywhere.
enum ListParameters {
    /// `since`: an RFC 3339 time, exclusive; nil when absent.
    static func since(_ query: Parameters) throws(QueryError) -> Timestamp? {
        guard let text = query.get("since") else { return nil }
        guard let time = Timestamp(iso8601: text) else {
            throw .invalidParameter(
                "since", "'since' must be an RFC 3339 time such as 2024-05-23T10:00:00Z, got '\(text.prefix(64))'")
        }
        return time
    }

    /// `limit`: a whole number in `range`; `defaultValue` when absent.
    static func limit(_ query: Parameters, default defaultValue: Int, range: ClosedRange<Int>) throws(QueryError) -> Int {
        guard let text = query.get("limit") else { return defaultValue }
        guard let n = Int(text), range.contains(n) else {
            throw .invalidParameter("limit", "'limit' must be an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return n
    }
}
