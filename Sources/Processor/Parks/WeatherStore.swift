import Events
import Postgres
import Projections

/// Reads and writes the tables of `WeatherProjection`.
public struct WeatherStore: ProjectionStore {
    public let projection: WeatherProjection
    public let placement: TablePlacement

    public init(projection: WeatherProjection = WeatherProjection(), placement: TablePlacement = .live) {
        self.projection = projection
        self.placement = placement
    }

    public func loadStates(_ keys: [String], session: PGSession) throws -> [String: ParkWeatherState] {
        var states: [String: ParkWeatherState] = [:]
        guard let r = try StateMirror.rows(of: WeatherTables.current, keys: keys, placement: placement, session: session) else {
            return states
        }
        for row in 0..<r.rowCount {
            guard let park = try r.string(row, "park_id") else { continue }
            var s = ParkWeatherState(parkID: park)
            s.hour = try r.timestamp(row, "hour").map(Timestamp.init(microseconds:))
            s.temperatureC = try r.double(row, "temperature_c")
            s.precipitationMM = try r.double(row, "precipitation_mm")
            s.reportedAt = try r.timestamp(row, "reported_at").map(Timestamp.init(microseconds:))
            s.reports = try r.int(row, "reports") ?? 0
            states[park] = s
        }
        return states
    }

    /// The reports, then each park's weather now as the batch left it.
    public func write(_ batch: FoldedBatch<ParkWeatherState, WeatherReportRow>, to tables: inout TableWriter) throws {
        // One row per key: a report re-sent within the batch is written once (the later in the log).
        var latest: [String: WeatherReportRow] = [:]
        for row in batch.rows {
            latest["\(row.report.parkID)/\(row.report.hour.microseconds)/\(row.reportedAt.microseconds)"] = row
        }
        var rows = WeatherTables.reports.rows(reservingCapacity: latest.count * 64)
        for row in latest.values {
            rows.beginRow()
            rows.timestamptz(microsecondsSinceUnixEpoch: row.report.hour.microseconds)
            rows.text(row.report.parkID)
            rows.timestamptz(microsecondsSinceUnixEpoch: row.reportedAt.microseconds)
            if let t = row.report.temperatureC { rows.float8(t) } else { rows.null() }
            if let p = row.report.precipitationMM { rows.float8(p) } else { rows.null() }
        }
        try tables.write(&rows, into: WeatherTables.reports)
        var current = WeatherTables.current.rows(reservingCapacity: batch.touched.count * 64)
        for s in batch.touched.values {
            current.beginRow()
            current.text(s.parkID)
            if let t = s.hour { current.timestamptz(microsecondsSinceUnixEpoch: t.microseconds) } else { current.null() }
            if let t = s.temperatureC { current.float8(t) } else { current.null() }
            if let p = s.precipitationMM { current.float8(p) } else { current.null() }
            if let t = s.reportedAt { current.timestamptz(microsecondsSinceUnixEpoch: t.microseconds) } else { current.null() }
            current.int64(s.reports)
        }
        try tables.write(&current, into: WeatherTables.current)
    }
}
