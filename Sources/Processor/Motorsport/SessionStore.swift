import Events
import Postgres
import Projections

/// Reads and writes the tables of `SessionProjection`.
public struct SessionStore: ProjectionStore {
    public let projection: SessionProjection
    public let placement: TablePlacement

    public init(projection: SessionProjection = SessionProjection(), placement: TablePlacement = .live) {
        self.projection = projection
        self.placement = placement
    }

    public func loadStates(_ keys: [String], session: PGSession) throws -> [String: SessionState] {
        var states: [String: SessionState] = [:]
        guard let r = try StateMirror.rows(of: SessionTables.sessionState, keys: keys, placement: placement, session: session) else {
            return states
        }
        for row in 0..<r.rowCount {
            guard let id = try r.string(row, "session_id"), let text = try r.string(row, "state") else { continue }
            states[id] = try SessionState(json: try JSONParser.parse(text))
        }
        return states
    }

    /// The rows, then the states the batch left.
    public func write(_ batch: FoldedBatch<SessionState, SessionRow>, to tables: inout TableWriter) throws {
        try write(batch.rows, to: &tables)
        try writeStates(batch.touched, to: &tables)
    }

    public func write(_ rows: [SessionRow], to tables: inout TableWriter) throws {
        var laps = SessionTables.lapTimes.rows(reservingCapacity: rows.count * 96)
        // Only the last line of each car in a batch needs writing.
        var standings: [String: (String, DriverStanding, Timestamp)] = [:]
        var stints: [String: StintRow] = [:]
        var events = SessionTables.raceEvents.rows(reservingCapacity: 1024)
        for row in rows {
            switch row {
            case .lap(let l):
                laps.beginRow()
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
                events.beginRow()
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
        try tables.write(&laps, into: SessionTables.lapTimes)
        try tables.write(&events, into: SessionTables.raceEvents)
        try writeStandings(Array(standings.values), to: &tables)
        try writeStints(Array(stints.values), to: &tables)
    }

    /// The fold state of each session the batch touched (restored on assignment).
    public func writeStates(_ states: [String: SessionState], to tables: inout TableWriter) throws {
        var rows = SessionTables.sessionState.rows(reservingCapacity: states.count * 4096)
        for s in states.values {
            var json = JSONWriter(capacity: 4096)
            s.encode(to: &json)
            rows.beginRow()
            rows.text(s.sessionID)
            rows.jsonb(json.string)
            if let t = s.updatedAt { rows.timestamptz(microsecondsSinceUnixEpoch: t.microseconds) } else { rows.null() }
        }
        try tables.write(&rows, into: SessionTables.sessionState)
    }

    private func writeStandings(_ lines: [(String, DriverStanding, Timestamp)], to tables: inout TableWriter) throws {
        var w = SessionTables.sessionLeaderboard.rows(reservingCapacity: lines.count * 160)
        for (sessionID, d, at) in lines {
            w.beginRow()
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
        try tables.write(&w, into: SessionTables.sessionLeaderboard)
    }

    private func writeStints(_ stints: [StintRow], to tables: inout TableWriter) throws {
        var w = SessionTables.stints.rows(reservingCapacity: stints.count * 120)
        for s in stints {
            w.beginRow()
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
        try tables.write(&w, into: SessionTables.stints)
    }
}
