import Events
import Forecasting
import Postgres
import Projections

/// Reads and writes the tables of `CrowdForecastProjection`.
public struct CrowdForecastStore: ProjectionStore {
    public let projection: CrowdForecastProjection
    public let placement: TablePlacement

    public init(projection: CrowdForecastProjection = CrowdForecastProjection(), placement: TablePlacement = .live) {
        self.projection = projection
        self.placement = placement
    }

    public func loadStates(_ keys: [String], session: PGSession) throws -> [String: ParkCrowdForecastState] {
        var states: [String: ParkCrowdForecastState] = [:]
        guard let r = try StateMirror.rows(of: CrowdForecastTables.current, keys: keys, placement: placement, session: session) else {
            return states
        }
        for row in 0..<r.rowCount {
            guard let park = try r.string(row, "park_id"), let text = try r.string(row, "state"), let forecast = try r.string(row, "forecast")
            else { continue }
            var state = try ParkCrowdForecastState(parkID: park, json: try JSONParser.parse(text))
            state.current = try CrowdForecastUpdated(payload: try FieldReader(try JSONParser.parse(forecast)))
            states[park] = state
        }
        return states
    }

    /// Each hour as the last forecast of the batch that covers it left it (whatever the batch boundaries, a
    /// table that holds each hour's last forecast in the log), then the state.
    public func write(_ batch: FoldedBatch<ParkCrowdForecastState, CrowdForecastUpdated>, to tables: inout TableWriter) throws {
        // Park → hour start → (made at, hour).
        var latest: [String: [Timestamp: (madeAt: Timestamp, hour: CrowdForecastUpdated.Hour)]] = [:]
        for forecast in batch.rows {
            for h in forecast.hours { latest[forecast.parkID, default: [:]][h.start] = (forecast.madeAt, h) }
        }
        var rows = CrowdForecastTables.forecasts.rows(reservingCapacity: latest.count * 16 * 96)
        for (park, hours) in latest {
            for (madeAt, h) in hours.values {
                rows.beginRow()
                rows.timestamptz(microsecondsSinceUnixEpoch: h.start.microseconds)
                rows.text(park)
                rows.text(h.level.rawValue)
                rows.float8(h.ratio)
                rows.float8(h.meanPredictedMinutes)
                rows.int32(Int32(h.attractions))
                rows.timestamptz(microsecondsSinceUnixEpoch: madeAt.microseconds)
            }
        }
        try tables.write(&rows, into: CrowdForecastTables.forecasts)
        var current = CrowdForecastTables.current.rows(reservingCapacity: batch.touched.count * 4096)
        for s in batch.touched.values {
            // A park's first outlook always gives a forecast: a state without one was never folded.
            guard let forecast = s.current else { continue }
            var json = JSONWriter(capacity: 1024)
            forecast.encode(to: &json)
            current.beginRow()
            current.text(s.parkID)
            current.timestamptz(microsecondsSinceUnixEpoch: forecast.madeAt.microseconds)
            current.jsonb(json.string)
            json = JSONWriter(capacity: 4096)
            s.encode(to: &json)
            current.jsonb(json.string)
        }
        try tables.write(&current, into: CrowdForecastTables.current)
    }
}
