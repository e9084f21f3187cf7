import Events
import Postgres
import Projections

/// `SessionReading` over the session tables at a placement.
struct SessionReadStore: SessionReading {
    let pool: PGPool
    let placement: any TableNaming

    func leaderboard(session: String) async throws -> [LeaderboardLine] {
        let r = try await pool.query(
            """
            SELECT driver_number, position, laps_completed, gap_to_leader, gap_to_ahead, laps_behind_leader, last_lap,
                   best_lap, best_lap_number, best_sector_1, best_sector_2, best_sector_3, compound, tyre_age, pit_count,
                   retired, updated_at
            FROM \(placement[SessionTables.sessionLeaderboard])
            WHERE session_id = $1 ORDER BY position NULLS LAST, driver_number
            """, [.text(session)])
        return try (0..<r.rowCount).map { i throws(PGError) in
            LeaderboardLine(
                driverNumber: try r.int(i, 0) ?? 0, position: try r.int(i, 1), lapsCompleted: try r.int(i, 2) ?? 0,
                gapToLeader: try r.double(i, 3), gapToAhead: try r.double(i, 4), lapsBehindLeader: try r.int(i, 5),
                lastLap: try r.double(i, 6), bestLap: try r.double(i, 7), bestLapNumber: try r.int(i, 8),
                bestSectors: [try r.double(i, 9), try r.double(i, 10), try r.double(i, 11)], compound: r.string(i, 12),
                tyreAge: try r.int(i, 13), pitCount: try r.int(i, 14) ?? 0, retired: try r.bool(i, 15) ?? false,
                updatedAt: Timestamp(microseconds: try r.timestamp(i, 16) ?? 0))
        }
    }

    func bestSectors(session: String) async throws -> [BestSector] {
        let board = placement[SessionTables.sessionLeaderboard]
        let r = try await pool.query(
            """
            SELECT s.sector, s.seconds, min(l.driver_number)
            FROM (SELECT 1 AS sector, min(best_sector_1) AS seconds FROM \(board) WHERE session_id = $1
                  UNION ALL SELECT 2, min(best_sector_2) FROM \(board) WHERE session_id = $1
                  UNION ALL SELECT 3, min(best_sector_3) FROM \(board) WHERE session_id = $1) s
            LEFT JOIN \(board) l ON l.session_id = $1 AND s.seconds IS NOT NULL
              AND s.seconds = CASE s.sector WHEN 1 THEN l.best_sector_1 WHEN 2 THEN l.best_sector_2 ELSE l.best_sector_3 END
            GROUP BY s.sector, s.seconds ORDER BY s.sector
            """, [.text(session)])
        return try (0..<r.rowCount).map { i throws(PGError) in
            BestSector(sector: try r.int(i, 0) ?? 0, seconds: try r.double(i, 1), driverNumber: try r.int(i, 2))
        }
    }

    private static let lapColumns = """
        driver_number, lap_number, time, lap_duration, sector_1, sector_2, sector_3, is_pit_out_lap, i1_speed, i2_speed,
        st_speed, compound, tyre_age
        """

    private static func laps(_ r: PGResult) throws -> [LapLine] {
        try (0..<r.rowCount).map { i throws(PGError) in
            LapLine(
                driverNumber: try r.int(i, 0) ?? 0, lapNumber: try r.int(i, 1) ?? 0,
                time: Timestamp(microseconds: try r.timestamp(i, 2) ?? 0), lapDuration: try r.double(i, 3),
                sectors: [try r.double(i, 4), try r.double(i, 5), try r.double(i, 6)], isPitOutLap: try r.bool(i, 7) ?? false,
                speeds: [try r.int(i, 8), try r.int(i, 9), try r.int(i, 10)], compound: r.string(i, 11), tyreAge: try r.int(i, 12))
        }
    }

    func laps(session: String, driver: Int, after: (lap: Int64, time: Timestamp)?, limit: Int) async throws -> [LapLine] {
        try Self.laps(try await pool.query(
            """
            SELECT \(Self.lapColumns) FROM \(placement[SessionTables.lapTimes])
            WHERE session_id = $1 AND driver_number = $2 AND ($3::integer IS NULL OR (lap_number, time) > ($3, $4))
            ORDER BY lap_number, time LIMIT $5
            """, [.text(session), .int(Int64(driver)), .int(after?.lap), .timestamp(after?.time.microseconds), .int(Int64(limit))]))
    }

    func fastestLaps(session: String, limit: Int) async throws -> [LapLine] {
        try Self.laps(try await pool.query(
            """
            SELECT \(Self.lapColumns) FROM \(placement[SessionTables.lapTimes])
            WHERE session_id = $1 AND lap_duration IS NOT NULL ORDER BY lap_duration, time LIMIT $2
            """, [.text(session), .int(Int64(limit))]))
    }

    func stints(session: String) async throws -> [StintLine] {
        let r = try await pool.query(
            """
            SELECT driver_number, stint_number, compound, lap_start, lap_end, tyre_age_at_start, clean_laps, degradation,
                   fitted_base_lap, fit_residual_error
            FROM \(placement[SessionTables.stints]) WHERE session_id = $1 ORDER BY driver_number, stint_number
            """, [.text(session)])
        return try (0..<r.rowCount).map { i throws(PGError) in
            StintLine(
                driverNumber: try r.int(i, 0) ?? 0, stintNumber: try r.int(i, 1) ?? 0, compound: r.string(i, 2),
                lapStart: try r.int(i, 3) ?? 0, lapEnd: try r.int(i, 4), tyreAgeAtStart: try r.int(i, 5) ?? 0,
                cleanLaps: try r.int(i, 6) ?? 0, degradation: try r.double(i, 7), fittedBaseLap: try r.double(i, 8),
                fitResidualError: try r.double(i, 9))
        }
    }

    func raceEvents(session: String, after: ListCursor?, since: Timestamp?, limit: Int) async throws -> [(position: ListCursor, json: String)] {
        let r = try await pool.query(
            """
            SELECT event::text, time, event_id FROM \(placement[SessionTables.raceEvents])
            WHERE session_id = $1 AND ($2::timestamptz IS NULL OR time > $2)
              AND ($3::timestamptz IS NULL OR (time, event_id) > ($3, $4))
            ORDER BY time, event_id LIMIT $5
            """,
            [.text(session), .timestamp(after == nil ? since?.microseconds : nil), .timestamp(after?.time.microseconds), .text(after?.key ?? ""),
             .int(Int64(limit))])
        return try (0..<r.rowCount).map { i throws(PGError) in
            (ListCursor(time: Timestamp(microseconds: try r.timestamp(i, 1) ?? 0), key: r.string(i, 2) ?? ""), r.string(i, 0) ?? "null")
        }
    }

    func sessions(_ page: IDPage) async throws -> [SessionLine] {
        let r = try await pool.query(
            """
            SELECT session_id COLLATE "C", count(*), max(laps_completed), min(driver_number) FILTER (WHERE position = 1), max(updated_at)
            FROM \(placement[SessionTables.sessionLeaderboard])
            WHERE session_id COLLATE "C" > coalesce($1::text, '') GROUP BY session_id COLLATE "C" ORDER BY session_id COLLATE "C" LIMIT $2
            """, [.text(page.after), .int(Int64(page.limit + 1))])
        return try (0..<r.rowCount).map { i throws(PGError) in
            SessionLine(
                sessionID: r.string(i, 0) ?? "", cars: try r.int(i, 1) ?? 0, laps: try r.int(i, 2) ?? 0, leader: try r.int(i, 3),
                updatedAt: try r.timestamp(i, 4).map(Timestamp.init(microseconds:)))
        }
    }

    func sessionKnown(_ session: String) async throws -> Bool {
        try await pool.query(
            "SELECT 1 FROM \(placement[SessionTables.sessionLeaderboard]) WHERE session_id = $1 LIMIT 1", [.text(session)]
        ).rowCount > 0
    }
}
