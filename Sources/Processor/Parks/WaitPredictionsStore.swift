import Events
import Forecasting
import Metrics
import Postgres
import Projections

/// Reads and writes the tables of `WaitPredictionsProjection`, and counts the predictions by the link of the
/// fallback chain that made them (`turnstile_wait_predictions_total{source}` on /metrics).
public struct WaitPredictionsStore: ProjectionStore {
    public let projection: WaitPredictionsProjection
    public let placement: TablePlacement

    public init(projection: WaitPredictionsProjection = WaitPredictionsProjection(), placement: TablePlacement = .live) {
        self.projection = projection
        self.placement = placement
    }

    public func loadStates(_ keys: [String], session: PGSession) throws -> [String: AttractionForecastState] {
        var states: [String: AttractionForecastState] = [:]
        guard let r = try StateMirror.rows(of: WaitPredictionTables.state, keys: keys, placement: placement, session: session) else {
            return states
        }
        for row in 0..<r.rowCount {
            guard let park = try r.string(row, "park_id"), let attraction = try r.string(row, "attraction_id"),
                  let text = try r.string(row, "state") else { continue }
            states[WaitTimeObserved.partitionKey(parkID: park, attractionID: attraction)] =
                try AttractionForecastState(parkID: park, attractionID: attraction, json: try JSONParser.parse(text))
        }
        return states
    }

    public func write(_ batch: FoldedBatch<AttractionForecastState, WaitPredictionRow>, to tables: inout TableWriter) throws {
        var predictions = WaitPredictionTables.predictions.rows(reservingCapacity: batch.rows.count * 96)
        var errors = WaitPredictionTables.errors.rows(reservingCapacity: batch.rows.count * 64)
        var made: [ForecastSource: Int] = [:]
        for row in batch.rows {
            switch row {
            case .prediction(let park, let attraction, let p):
                made[p.source, default: 0] += 1
                predictions.beginRow()
                predictions.timestamptz(microsecondsSinceUnixEpoch: p.madeAt)
                predictions.text(park)
                predictions.text(attraction)
                predictions.int32(Int32(p.horizon))
                predictions.timestamptz(microsecondsSinceUnixEpoch: p.targetTime)
                predictions.float8(p.predicted)
                predictions.text(p.source.rawValue)
                if let v = p.modelVersion { predictions.int32(Int32(v)) } else { predictions.null() }
            case .error(let park, let attraction, let p, let actual, let observedAt):
                errors.beginRow()
                errors.timestamptz(microsecondsSinceUnixEpoch: p.targetTime)
                errors.text(park)
                errors.text(attraction)
                errors.int32(Int32(p.horizon))
                errors.timestamptz(microsecondsSinceUnixEpoch: p.madeAt)
                errors.text(p.source.rawValue)
                if let v = p.modelVersion { errors.int32(Int32(v)) } else { errors.null() }
                errors.float8(p.predicted)
                errors.int32(Int32(actual))
                errors.float8(abs(p.predicted - Double(actual)))
                errors.timestamptz(microsecondsSinceUnixEpoch: observedAt)
            }
        }
        try tables.write(&predictions, into: WaitPredictionTables.predictions)
        try tables.write(&errors, into: WaitPredictionTables.errors)
        var states = WaitPredictionTables.state.rows(reservingCapacity: batch.touched.count * 4096)
        for s in batch.touched.values {
            var json = JSONWriter(capacity: 4096)
            s.encode(to: &json)
            states.beginRow()
            states.text(s.parkID)
            states.text(s.attractionID)
            states.jsonb(json.string)
        }
        try tables.write(&states, into: WaitPredictionTables.state)
        for (source, n) in made { Counter(label: "turnstile_wait_predictions_total", dimensions: [("source", source.rawValue)]).increment(by: n) }
    }
}
