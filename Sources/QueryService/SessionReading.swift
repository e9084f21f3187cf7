import Events

/// What the session read routes need from storage: the PostgreSQL store in production (`SessionReadStore`),
/// an in-memory one in route tests.
protocol SessionReading: Sendable {
    /// Every car, by position (cars without one last), then car number.
    func leaderboard(session: String) async throws -> [LeaderboardLine]
    /// The session's best time of each of the three sectors, and whose it is.
    func bestSectors(session: String) async throws -> [BestSector]
    /// One car's laps, by lap number (then time), after `after` (its key is a lap number), at most `limit`.
    func laps(session: String, driver: Int, after: (lap: Int64, time: Timestamp)?, limit: Int) async throws -> [LapLine]
    /// The `limit` fastest timed laps, fastest first.
    func fastestLaps(session: String, limit: Int) async throws -> [LapLine]
    /// Every stint, by car and stint number.
    func stints(session: String) async throws -> [StintLine]
    /// Race events after `after` (by time, then event id), else after `since` (all without either), oldest first,
    /// at most `limit`: each event as it was sent (JSON) with its place in that order.
    func raceEvents(session: String, after: ListCursor?, since: Timestamp?, limit: Int) async throws -> [(position: ListCursor, json: String)]
    /// Sessions by id (byte order) after the page's cursor, at most one more than its limit.
    func sessions(_ page: IDPage) async throws -> [SessionLine]
    /// The session has a leaderboard.
    func sessionKnown(_ session: String) async throws -> Bool
}
