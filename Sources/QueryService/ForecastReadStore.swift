import Events
import Forecasting
import Postgres
import Projections

/// `ForecastReading` over the wait-forecast tables at a placement.
struct ForecastReadStore: ForecastReading {
    let pool: PGPool
    let placement: any TableNaming

    func latest(park: String, attraction: String) async throws -> [ForecastLine] {
        // The newest round of predictions: those made at the attraction's latest prediction time.
        let r = try await pool.query(
            """
            SELECT made_at, horizon_minutes, target_time, predicted_minutes, source, model_version FROM \(placement[WaitPredictionTables.predictions])
             WHERE park_id = $1 AND attraction_id = $2
               AND made_at = (SELECT max(made_at) FROM \(placement[WaitPredictionTables.predictions]) WHERE park_id = $1 AND attraction_id = $2)
             ORDER BY horizon_minutes
            """, [.text(park), .text(attraction)])
        return try (0..<r.rowCount).map { i throws(PGError) in
            ForecastLine(
                madeAt: Timestamp(microseconds: try r.timestamp(i, 0) ?? 0), horizonMinutes: try r.int(i, 1) ?? 0,
                targetTime: Timestamp(microseconds: try r.timestamp(i, 2) ?? 0), predictedMinutes: try r.double(i, 3) ?? 0,
                source: r.string(i, 4) ?? "", modelVersion: try r.int(i, 5))
        }
    }

    func accuracy(park: String, range: TimeRange) async throws -> [AccuracyLine] {
        let r = try await pool.query(
            """
            SELECT model_version, source, horizon_minutes, count(*), avg(abs_error) FROM \(placement[WaitPredictionTables.errors])
             WHERE park_id = $1 AND target_time >= $2 AND target_time < $3
             GROUP BY model_version, source, horizon_minutes ORDER BY model_version NULLS LAST, source, horizon_minutes
            """, [.text(park), .timestamp(range.from.microseconds), .timestamp(range.to.microseconds)])
        return try (0..<r.rowCount).map { i throws(PGError) in
            AccuracyLine(
                modelVersion: try r.int(i, 0), source: r.string(i, 1) ?? "", horizonMinutes: try r.int(i, 2) ?? 0,
                predictions: try r.int(i, 3) ?? 0, meanAbsoluteError: try r.double(i, 4) ?? 0)
        }
    }
}
