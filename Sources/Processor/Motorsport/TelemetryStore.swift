import Events
import Postgres
import Projections

/// Reads and writes the tables of `TelemetryProjection`.
public struct TelemetryStore: ProjectionStore {
    public let projection: TelemetryProjection
    public let tables: MotorsportTables

    public init(projection: TelemetryProjection = TelemetryProjection(), tables: MotorsportTables = MotorsportTables()) {
        self.projection = projection
        self.tables = tables
    }

    /// The repeat filter restarts from the newest stored samples of each car.
    public func loadStates(_ keys: [String], session: PGSession) throws -> [String: CarTelemetryState] {
        var states: [String: CarTelemetryState] = [:]
        for key in keys {
            guard let slash = key.lastIndex(of: "/"), let driver = Int(key[key.index(after: slash)...]) else { continue }
            let sessionID = String(key[..<slash])
            let r = try session.execute(
                """
                SELECT (extract(epoch FROM time) * 1000000)::bigint FROM \(tables.telemetry)
                WHERE session_id = $1 AND driver_number = $2 ORDER BY time DESC LIMIT \(CarTelemetryState.recentTimesKept)
                """, [.text(sessionID), .int(Int64(driver))])
            guard r.rowCount > 0 else { continue }
            var s = CarTelemetryState(sessionID: sessionID, driverNumber: driver)
            s.recentTimes = try (0..<r.rowCount).compactMap { try r.int($0, 0) }.sorted()
            states[key] = s
        }
        return states
    }

    /// Its state is stored as the rows it writes.
    public func write(_ batch: FoldedBatch<CarTelemetryState, TelemetryRow>, session: PGSession) throws {
        try write(batch.rows, session: session)
    }

    public func write(_ rows: [TelemetryRow], session: PGSession) throws {
        var samples = PGBinaryCopyWriter(reservingCapacity: rows.count * 48)
        var sampleCount = 0
        var seconds: [String: TelemetrySecond] = [:]
        for row in rows {
            switch row {
            case .sample(let time, let s):
                sampleCount += 1
                samples.beginRow(columns: 9)
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
        if sampleCount > 0 {
            try session.insertRows(
                into: tables.telemetry,
                columns: ["time", "session_id", "driver_number", "speed", "throttle", "brake", "gear", "rpm", "drs"],
                rows: &samples)
        }
        guard !seconds.isEmpty else { return }
        var w = PGBinaryCopyWriter(reservingCapacity: seconds.count * 80)
        for p in seconds.values {
            w.beginRow(columns: 11)
            w.timestamptz(microsecondsSinceUnixEpoch: p.second.microseconds)
            w.text(p.sessionID)
            for v in [p.driverNumber, p.samples, p.speedMin, p.speedMax] { w.int32(Int32(v)) }
            w.int64(Int64(p.speedSum))
            w.int64(Int64(p.throttleSum))
            for v in [p.brakeSamples, p.gearMax, p.drsOpenSamples] { w.int32(Int32(v)) }
        }
        // Partials merge: a second split over batches sums up exactly.
        let t = tables.telemetry1s
        try session.insertRows(
            into: t,
            columns: ["time", "session_id", "driver_number", "samples", "speed_min", "speed_max", "speed_sum",
                      "throttle_sum", "brake_samples", "gear_max", "drs_open_samples"],
            rows: &w,
            suffix: """
                ON CONFLICT (session_id, driver_number, time) DO UPDATE SET samples = \(t).samples + EXCLUDED.samples,
                  speed_min = least(\(t).speed_min, EXCLUDED.speed_min), speed_max = greatest(\(t).speed_max, EXCLUDED.speed_max),
                  speed_sum = \(t).speed_sum + EXCLUDED.speed_sum, throttle_sum = \(t).throttle_sum + EXCLUDED.throttle_sum,
                  brake_samples = \(t).brake_samples + EXCLUDED.brake_samples,
                  gear_max = greatest(\(t).gear_max, EXCLUDED.gear_max),
                  drs_open_samples = \(t).drs_open_samples + EXCLUDED.drs_open_samples
                """)
    }
}
