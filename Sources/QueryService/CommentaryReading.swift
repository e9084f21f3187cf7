import Events

/// What the commentary read route needs from storage: the PostgreSQL store in production
/// (`CommentaryReadStore`), an in-memory one in route tests.
protocol CommentaryReading: Sendable {
    /// With `after`: the first `limit` lines after that line (by time, then line id), oldest first. Else with
    /// `since` (exclusive): the first `limit` lines after that time. Without either: the newest `limit`, oldest
    /// first. At most `limit + 1` lines: one more than asked says the answer was cut short.
    func lines(session: String, after: ListCursor?, since: Timestamp?, limit: Int) async throws -> [CommentaryEntry]
    /// The session has commentary state (it has been folded), even without a line yet.
    func sessionKnown(_ session: String) async throws -> Bool
}
