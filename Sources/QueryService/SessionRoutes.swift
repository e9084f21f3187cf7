import Events
import Hummingbird
import Postgres
import Projections

/// The read endpoints of `motorsport_session`: a session's leaderboard, one driver's laps, the fastest laps,
/// stints and race events.
///
/// Table names come from the projections' declarations under a placement; request values travel as statement parameters.
public struct SessionRoutes: ReadRoutes {
    let pool: PGPool
    let placement: TablePlacement

    public init(pool: PGPool, placement: TablePlacement) {
        self.pool = pool
        self.placement = placement
    }

    static let leaderboardColumns = ResultJSON([
        ("driver_number", .int), ("position", .int), ("laps_completed", .int), ("gap_to_leader", .double),
        ("gap_to_ahead", .double), ("laps_behind_leader", .int), ("last_lap", .double), ("best_lap", .double),
        ("best_lap_number", .int), ("best_sector_1", .double), ("best_sector_2", .double), ("best_sector_3", .double),
        ("compound", .text), ("tyre_age", .int), ("pit_count", .int), ("retired", .bool), ("updated_at", .time),
    ])
    static let lapColumns = ResultJSON([
        ("lap_number", .int), ("time", .time), ("lap_duration", .double), ("sector_1", .double), ("sector_2", .double),
        ("sector_3", .double), ("is_pit_out_lap", .bool), ("i1_speed", .int), ("i2_speed", .int), ("st_speed", .int),
        ("compound", .text), ("tyre_age", .int),
    ])
    static let fastestColumns = ResultJSON([
        ("driver_number", .int), ("lap_number", .int), ("lap_duration", .double), ("time", .time), ("compound", .text),
    ])
    static let stintColumns = ResultJSON([
        ("driver_number", .int), ("stint_number", .int), ("compound", .text), ("lap_start", .int), ("lap_end", .int),
        ("tyre_age_at_start", .int), ("clean_laps", .int), ("degradation", .double), ("fitted_base_lap", .double),
        ("fit_residual_error", .double),
    ])
    static let bestSectorColumns = ResultJSON([("sector", .int), ("seconds", .double), ("driver_number", .int)])
    static let maxFastestLaps = 100
    static let maxEvents = 1_000

    public func add<Context: RequestContext>(to router: Router<Context>) {
        router.group("/v1/sessions/:session_id")
            .get("leaderboard", use: leaderboard)
            .get("drivers/:driver_number/laps", use: laps)
            .get("fastest-laps", use: fastestLaps)
            .get("stints", use: stints)
            .get("events", use: events)
    }

    /// Race events since a time (exclusive), oldest first: what a dashboard polls for.
    @Sendable func events(_ request: Request, context: some RequestContext) async throws -> Response {
        let session = try IDParameter.path("session_id", context)
        let since = try ListParameters.since(request.uri.queryParameters)
        let r = try await pool.query(
            """
            SELECT event::text FROM \(placement[SessionTables.raceEvents])
            WHERE session_id = $1 AND ($2::timestamptz IS NULL OR time > $2)
            ORDER BY time, event_id LIMIT \(Self.maxEvents)
            """, [.text(session), .timestamp(since?.microseconds)])
        if r.rowCount == 0 {
            try await requireSession(session)
        }
        var json = JSONWriter(capacity: 128 + r.rowCount * 400)
        json.beginObject()
        json.key("session_id"); json.string(session)
        json.key("events"); json.beginArray()
        for row in 0..<r.rowCount { json.raw(Array((r.string(row, 0) ?? "null").utf8)) }
        json.endArray()
        json.key("truncated"); json.bool(r.rowCount == Self.maxEvents)
        json.endObject()
        return .json(json)
    }

    @Sendable func stints(_ request: Request, context: some RequestContext) async throws -> Response {
        let session = try IDParameter.path("session_id", context)
        let r = try await pool.query(
            """
            SELECT \(Self.stintColumns.selectList) FROM \(placement[SessionTables.stints])
            WHERE session_id = $1 ORDER BY driver_number, stint_number
            """, [.text(session)])
        guard r.rowCount > 0 else { throw QueryError.unknownSession(session) }
        return try Self.rowsResponse(session: session, key: "stints", r, Self.stintColumns, bytesPerRow: 260)
    }

    @Sendable func leaderboard(_ request: Request, context: some RequestContext) async throws -> Response {
        let session = try IDParameter.path("session_id", context)
        let r = try await pool.query(
            """
            SELECT \(Self.leaderboardColumns.selectList) FROM \(placement[SessionTables.sessionLeaderboard])
            WHERE session_id = $1 ORDER BY position NULLS LAST, driver_number
            """, [.text(session)])
        guard r.rowCount > 0 else { throw QueryError.unknownSession(session) }
        // The session's best sectors: the fastest personal best of each sector, and whose it is.
        let best = try await pool.query(
            """
            SELECT s.sector, s.seconds, min(l.driver_number)
            FROM (SELECT 1 AS sector, min(best_sector_1) AS seconds FROM \(placement[SessionTables.sessionLeaderboard]) WHERE session_id = $1
                  UNION ALL SELECT 2, min(best_sector_2) FROM \(placement[SessionTables.sessionLeaderboard]) WHERE session_id = $1
                  UNION ALL SELECT 3, min(best_sector_3) FROM \(placement[SessionTables.sessionLeaderboard]) WHERE session_id = $1) s
            LEFT JOIN \(placement[SessionTables.sessionLeaderboard]) l ON l.session_id = $1 AND s.seconds IS NOT NULL
              AND s.seconds = CASE s.sector WHEN 1 THEN l.best_sector_1 WHEN 2 THEN l.best_sector_2 ELSE l.best_sector_3 END
            GROUP BY s.sector, s.seconds ORDER BY s.sector
            """, [.text(session)])
        return try Self.rowsResponse(session: session, key: "drivers", r, Self.leaderboardColumns, bytesPerRow: 420) { json in
            json.key("best_sectors"); json.beginArray()
            for row in 0..<best.rowCount { try Self.bestSectorColumns.write(row: row, of: best, to: &json) }
            json.endArray()
        }
    }

    @Sendable func laps(_ request: Request, context: some RequestContext) async throws -> Response {
        let session = try IDParameter.path("session_id", context)
        let driver = try IDParameter.driverNumber(context)
        let r = try await pool.query(
            """
            SELECT \(Self.lapColumns.selectList) FROM \(placement[SessionTables.lapTimes])
            WHERE session_id = $1 AND driver_number = $2 ORDER BY lap_number, time
            """, [.text(session), .int(Int64(driver))])
        if r.rowCount == 0 {
            try await requireSession(session)
            throw QueryError.notFound("no laps of car \(driver) in session '\(session)'", field: "driver_number")
        }
        return try Self.rowsResponse(session: session, key: "laps", r, Self.lapColumns, bytesPerRow: 300) { json in
            json.key("driver_number"); json.int(driver)
        }
    }

    @Sendable func fastestLaps(_ request: Request, context: some RequestContext) async throws -> Response {
        let session = try IDParameter.path("session_id", context)
        let limit = try ListParameters.limit(request.uri.queryParameters, default: 10, range: 1...Self.maxFastestLaps)
        let r = try await pool.query(
            """
            SELECT \(Self.fastestColumns.selectList) FROM \(placement[SessionTables.lapTimes])
            WHERE session_id = $1 AND lap_duration IS NOT NULL ORDER BY lap_duration, time LIMIT $2
            """, [.text(session), .int(Int64(limit))])
        if r.rowCount == 0 {
            try await requireSession(session)
        }
        return try Self.rowsResponse(session: session, key: "laps", r, Self.fastestColumns, bytesPerRow: 160)
    }

    /// `{"session_id": …, <extra fields>, "<key>": [rows]}`: the shape of every row-list answer here.
    static func rowsResponse(
        session: String, key: String, _ r: PGResult, _ columns: ResultJSON, bytesPerRow: Int,
        extra: (inout JSONWriter) throws -> Void = { _ in }
    ) throws -> Response {
        try columns.listResponse(idName: "session_id", id: session, key: key, r, bytesPerRow: bytesPerRow, extra: extra)
    }

    /// 404 unless the session has a leaderboard (an empty answer for a known session is just empty).
    func requireSession(_ session: String) async throws {
        let known = try await pool.query("SELECT 1 FROM \(placement[SessionTables.sessionLeaderboard]) WHERE session_id = $1 LIMIT 1", [.text(session)])
        if known.rowCount == 0 { throw QueryError.unknownSession(session) }
    }
}
