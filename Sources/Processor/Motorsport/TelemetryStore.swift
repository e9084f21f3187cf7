import Events
import Postgres
import Projections

/// Reads and writes the tables of `TelemetryProjection`.
public struct TelemetryStore: ProjectionStore {
    public let projection: TelemetryProjection
    public let placement: TablePlacement

    public init(projection: TelemetryProjection = TelemetryProjection(), placement: TablePlacement = .live) {
        self.projection = projection
        self.placement = placement
    }

    /// The repeat filter restarts from the newest stored samples of each car: one statement for every car of
    /// the batch (each car's newest samples through its index).
    public func loadStates(_ keys: [String], session: PGSession) throws -> [String: CarTelemetryState] {
        var sessions: [String?] = [], drivers: [Int64] = []
        for key in keys {
            guard let slash = key.lastIndex(of: "/"), let driver = Int64(key[key.index(after: slash)...]) else { continue }
            sessions.append(String(key[..<slash]))
            drivers.append(driver)
        }
        guard !sessions.isEmpty else { return [:] }
        let r = try session.execute(
            """
            SELECT k.session_id, k.driver_number, t.us
            FROM unnest($1::text[], $2::bigint[]) AS k(session_id, driver_number)
            CROSS JOIN LATERAL (
                SELECT (extract(epoch FROM time) * 1000000)::bigint AS us FROM \(placement[TelemetryTables.telemetry])
                WHERE session_id = k.session_id AND driver_number = k.driver_number
                ORDER BY time DESC LIMIT \(CarTelemetryState.recentTimesKept)) t
            """, [.textArray(sessions), .intArray(drivers)])
        var states: [String: CarTelemetryState] = [:]
        for row in 0..<r.rowCount {
            guard let sessionID = r.string(row, 0), let driver = try r.int(row, 1), let time = try r.int(row, 2) else { continue }
            states["\(sessionID)/\(driver)", default: CarTelemetryState(sessionID: sessionID, driverNumber: Int(driver))]
                .recentTimes.append(time)
        }
        for key in states.keys { states[key]!.recentTimes.sort() }
        return states
    }

    /// Its state is stored as the rows it writes.
    public func write(_ batch: FoldedBatch<CarTelemetryState, TelemetryRow>, to tables: inout TableWriter) throws {
        try write(batch.rows, to: &tables)
    }

    public func write(_ rows: [TelemetryRow], to tables: inout TableWriter) throws {
        var samples = TelemetryTables.telemetry.rows(reservingCapacity: rows.count * 48)
        var seconds: [String: TelemetrySecond] = [:]
        for row in rows {
            switch row {
            case .sample(let time, let s):
                samples.beginRow()
                samples.timestamptz(microsecondsSinceUnixEpoch: time.microseconds)
                samples.text(s.sessionID)
                for v in [s.driverNumber, s.speed, s.throttle, s.brake, s.gear, s.rpm, s.drs] { samples.int32(Int32(v)) }
            case .second(let part):
                let key = "\(part.sessionID)/\(part.driverNumber)/\(part.second.microseconds)"
                if var merged = seconds[key] {
                    merged.merge(part)
                    seconds[key] = merged
                } else {
                    seconds[key] = part
                }
            }
        }
        try tables.write(&samples, into: TelemetryTables.telemetry)
        var w = TelemetryTables.telemetry1s.rows(reservingCapacity: seconds.count * 80)
        for p in seconds.values {
            w.beginRow()
            w.timestamptz(microsecondsSinceUnixEpoch: p.second.microseconds)
            w.text(p.sessionID)
            for v in [p.driverNumber, p.samples, p.speedMin, p.speedMax] { w.int32(Int32(v)) }
            w.int64(Int64(p.speedSum))
            w.int64(Int64(p.throttleSum))
            for v in [p.brakeSamples, p.gearMax, p.drsOpenSamples] { w.int32(Int32(v)) }
        }
        // Partials merge (the table's declared conflict): a second split over batches sums up exactly.
        try tables.write(&w, into: TelemetryTables.telemetry1s)
    }
}
