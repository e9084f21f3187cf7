import Events

/// What the commentary read route needs from storage: the PostgreSQL store in production
/// (`CommentaryReadStore`), an in-memory one in route tests.
protocol CommentaryReading: Sendable {
    /// With `since` (exclusive): the first `limit` lines after it, oldest first. Without: the newest `limit`,
    /// oldest first. At most `limit + 1` lines: one more than asked says the answer was cut short.
    func lines(session: String, since: Timestamp?, limit: Int) async throws -> [CommentaryEntry]
    /// The session has commentary state (it has been folded), even without a line yet.
    func sessionKnown(_ session: String) async throws -> Bool
}
