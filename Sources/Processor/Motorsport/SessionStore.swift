import Events
import Postgres
import Projections

/// Reads and writes the tables of `SessionProjection`.
public struct SessionStore: ProjectionStore {
    public let projection: SessionProjection
    public let tables: MotorsportTables

    public init(projection: SessionProjection = SessionProjection(), tables: MotorsportTables = MotorsportTables()) {
        self.projection = projection
        self.tables = tables
    }

    public func loadStates(_ keys: [String], session: PGSession) throws -> [String: SessionState] {
        guard !keys.isEmpty else { return [:] }
        let r = try session.execute(
            "SELECT session_id, state::text FROM \(tables.sessionState) WHERE session_id = ANY($1::text[])", [.textArray(keys)])
        var states: [String: SessionState] = [:]
        for row in 0..<r.rowCount {
            guard let id = r.string(row, 0), let text = r.string(row, 1) else { continue }
            states[id] = try SessionState(json: try JSONParser.parse(text))
        }
        return states
    }

    /// The rows, then the states the batch left.
    public func write(_ batch: FoldedBatch<SessionState, SessionRow>, session: PGSession) throws {
        try write(batch.rows, session: session)
        try writeStates(batch.touched, session: session)
    }

    public func write(_ rows: [SessionRow], session: PGSession) throws {
        var laps = PGBinaryCopyWriter(reservingCapacity: rows.count * 96)
        var lapCount = 0
        // Only the last line of each car in a batch needs writing.
        var standings: [String: (String, DriverStanding, Timestamp)] = [:]
        var stints: [String: StintRow] = [:]
        var events = PGBinaryCopyWriter(reservingCapacity: 1024)
        var eventCount = 0
        for row in rows {
            switch row {
            case .lap(let l):
                lapCount += 1
                laps.beginRow(columns: 14)
                laps.timestamptz(microsecondsSinceUnixEpoch: l.time.microseconds)
                laps.text(l.lap.sessionID)
                laps.int32(Int32(l.lap.driverNumber))
                laps.int32(Int32(l.lap.lapNumber))
                for v in [l.lap.lapDuration, l.lap.sector1, l.lap.sector2, l.lap.sector3] {
                    if let v { laps.float8(v) } else { laps.null() }
                }
                laps.bool(l.lap.isPitOutLap)
                for v in [l.lap.intermediate1Speed, l.lap.intermediate2Speed, l.lap.speedTrap] {
                    if let v { laps.int32(Int32(v)) } else { laps.null() }
                }
                if let c = l.compound { laps.text(c.rawValue) } else { laps.null() }
                if let a = l.tyreAge { laps.int32(Int32(a)) } else { laps.null() }
            case .standing(let sessionID, let d, let at):
                standings["\(sessionID)/\(d.driverNumber)"] = (sessionID, d, at)
            case .raceEvent(let e):
                eventCount += 1
                events.beginRow(columns: 6)
                events.timestamptz(microsecondsSinceUnixEpoch: e.time.microseconds)
                events.text(e.sessionID)
                events.int32(Int32(e.driverNumber))
                events.text(e.event.id)
                events.text(e.event.type)
                events.jsonb(String(decoding: e.event.encoded, as: UTF8.self))
            case .stint(let s):
                stints["\(s.sessionID)/\(s.driverNumber)/\(s.stintNumber)"] = s
            }
        }
        if lapCount > 0 {
            try session.insertRows(
                into: tables.lapTimes,
                columns: ["time", "session_id", "driver_number", "lap_number", "lap_duration", "sector_1", "sector_2",
                          "sector_3", "is_pit_out_lap", "i1_speed", "i2_speed", "st_speed", "compound", "tyre_age"],
                rows: &laps)
        }
        if eventCount > 0 {
            try session.insertRows(
                into: tables.raceEvents, columns: ["time", "session_id", "driver_number", "event_id", "type", "event"],
                rows: &events)
        }
        try writeStandings(Array(standings.values), session: session)
        try writeStints(Array(stints.values), session: session)
    }

    /// The fold state of each session the batch touched (restored on assignment).
    public func writeStates(_ states: [String: SessionState], session: PGSession) throws {
        for s in states.values {
            var w = JSONWriter(capacity: 4096)
            s.encode(to: &w)
            _ = try session.execute(
                """
                INSERT INTO \(tables.sessionState) (session_id, state, updated_at) VALUES ($1, $2::jsonb, $3)
                ON CONFLICT (session_id) DO UPDATE SET state = EXCLUDED.state, updated_at = EXCLUDED.updated_at
                """, [.text(s.sessionID), .json(w.string), .timestamp(s.updatedAt?.microseconds)])
        }
    }

    private func writeStandings(_ lines: [(String, DriverStanding, Timestamp)], session: PGSession) throws {
        guard !lines.isEmpty else { return }
        var w = PGBinaryCopyWriter(reservingCapacity: lines.count * 160)
        for (sessionID, d, at) in lines {
            w.beginRow(columns: 18)
            w.text(sessionID)
            w.int32(Int32(d.driverNumber))
            if let v = d.position { w.int32(Int32(v)) } else { w.null() }
            w.int32(Int32(d.lapsCompleted))
            for v in [d.gapToLeader, d.interval] { if let v { w.float8(v) } else { w.null() } }
            if let v = d.lapsBehindLeader { w.int32(Int32(v)) } else { w.null() }
            for v in [d.lastLap, d.bestLap] { if let v { w.float8(v) } else { w.null() } }
            if let v = d.bestLapNumber { w.int32(Int32(v)) } else { w.null() }
            for v in d.bestSectors { if let v { w.float8(v) } else { w.null() } }
            if let v = d.compound { w.text(v.rawValue) } else { w.null() }
            if let v = d.tyreAge { w.int32(Int32(v)) } else { w.null() }
            w.int32(Int32(d.pitCount))
            w.bool(d.retired)
            w.timestamptz(microsecondsSinceUnixEpoch: at.microseconds)
        }
        try session.upsertRows(
            into: tables.sessionLeaderboard,
            columns: ["session_id", "driver_number", "position", "laps_completed", "gap_to_leader", "gap_to_ahead",
                      "laps_behind_leader", "last_lap", "best_lap", "best_lap_number", "best_sector_1", "best_sector_2",
                      "best_sector_3", "compound", "tyre_age", "pit_count", "retired", "updated_at"],
            key: ["session_id", "driver_number"], rows: &w)
    }

    private func writeStints(_ stints: [StintRow], session: PGSession) throws {
        guard !stints.isEmpty else { return }
        var w = PGBinaryCopyWriter(reservingCapacity: stints.count * 120)
        for s in stints {
            w.beginRow(columns: 11)
            w.text(s.sessionID)
            w.int32(Int32(s.driverNumber))
            w.int32(Int32(s.stintNumber))
            if let c = s.compound { w.text(c.rawValue) } else { w.null() }
            w.int32(Int32(s.lapStart))
            if let e = s.lapEnd { w.int32(Int32(e)) } else { w.null() }
            w.int32(Int32(s.tyreAgeAtStart))
            w.int32(Int32(s.cleanLaps))
            for v in [s.fit?.slope, s.fit?.intercept, s.fit?.residualError] { if let v { w.float8(v) } else { w.null() } }
        }
        try session.upsertRows(
            into: tables.stints,
            columns: ["session_id", "driver_number", "stint_number", "compound", "lap_start", "lap_end", "tyre_age_at_start",
                      "clean_laps", "degradation", "fitted_base_lap", "fit_residual_error"],
            key: ["session_id", "driver_number", "stint_number"], rows: &w)
    }
}
