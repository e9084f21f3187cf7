import Events
import Forecasting
import Postgres
import Projections

/// `CrowdForecastReading` over `crowd_forecasts` at a placement.
struct CrowdForecastReadStore: CrowdForecastReading {
    let pool: PGPool
    let placement: any TableNaming

    private var columns: String { "hour, level, ratio, mean_predicted_minutes, attractions, made_at" }

    func latest(park: String) async throws -> CrowdForecastUpdated? {
        let r = try await pool.query(
            "SELECT forecast FROM \(placement[CrowdForecastTables.current]) WHERE park_id = $1", [.text(park)])
        guard r.rowCount > 0, let text = r.string(0, 0) else { return nil }
        do {
            return try CrowdForecastUpdated(payload: try FieldReader(try JSONParser.parse(text)))
        } catch {
            throw PGError(kind: .misuse, message: "crowd_forecast_current of park '\(park)' does not hold a forecast: \(error)")
        }
    }

    func hours(park: String, range: TimeRange) async throws -> [CrowdForecastHour] {
        try lines(
            try await pool.query(
                """
                SELECT \(columns) FROM \(placement[CrowdForecastTables.forecasts])
                 WHERE park_id = $1 AND hour >= $2 AND hour < $3 ORDER BY hour
                """, [.text(park), .timestamp(range.from.microseconds), .timestamp(range.to.microseconds)]))
    }

    private func lines(_ r: PGResult) throws -> [CrowdForecastHour] {
        try (0..<r.rowCount).map { i throws(PGError) in
            CrowdForecastHour(
                hour: Timestamp(microseconds: try r.timestamp(i, 0) ?? 0), level: r.string(i, 1) ?? "", ratio: try r.double(i, 2) ?? 0,
                meanPredictedMinutes: try r.double(i, 3) ?? 0, attractions: try r.int(i, 4) ?? 0,
                madeAt: Timestamp(microseconds: try r.timestamp(i, 5) ?? 0))
        }
    }
}
