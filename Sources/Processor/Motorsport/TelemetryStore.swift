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

    /// The repeat filter of each car, as the last batch left it.
    public func loadStates(_ keys: [String], session: PGSession) throws -> [String: CarTelemetryState] {
        var states: [String: CarTelemetryState] = [:]
        guard let r = try StateMirror.rows(of: TelemetryTables.cars, keys: keys, placement: placement, session: session) else {
            return states
        }
        for row in 0..<r.rowCount {
            guard let sessionID = try r.string(row, "session_id"), let driver = try r.int(row, "driver_number") else { continue }
            var s = CarTelemetryState(sessionID: sessionID, driverNumber: Int(driver))
            s.recentTimes = (PGArrayText.parse(try r.string(row, "recent_times") ?? "{}") ?? []).compactMap { $0.flatMap { Int64($0) } }
            states[try StateMirror.key(of: row, in: r, table: TelemetryTables.cars)] = s
        }
        return states
    }

    /// The rows, then the state of each car the batch touched.
    public func write(_ batch: FoldedBatch<CarTelemetryState, TelemetryRow>, to tables: inout TableWriter) throws {
        try write(batch.rows, to: &tables)
        var cars = TelemetryTables.cars.rows(reservingCapacity: batch.touched.count * (64 + 8 * CarTelemetryState.recentTimesKept))
        for s in batch.touched.values {
            cars.beginRow()
            cars.text(s.sessionID)
            cars.int32(Int32(s.driverNumber))
            cars.int64Array(s.recentTimes)
            if let last = s.recentTimes.last { cars.timestamptz(microsecondsSinceUnixEpoch: last) } else { cars.null() }
        }
        try tables.write(&cars, into: TelemetryTables.cars)
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
