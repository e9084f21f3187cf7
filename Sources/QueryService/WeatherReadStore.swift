import Events
import Postgres
import Projections

/// `WeatherReading` over the weather tables at a placement.
struct WeatherReadStore: WeatherReading {
    let pool: PGPool
    let placement: any TableNaming

    func current(park: String) async throws -> WeatherHourLine?? {
        let r = try await pool.query(
            "SELECT hour, temperature_c, precipitation_mm, reported_at FROM \(placement[WeatherTables.current]) WHERE park_id = $1",
            [.text(park)])
        guard r.rowCount == 1 else { return nil }
        guard let hour = try r.timestamp(0, 0), let reportedAt = try r.timestamp(0, 3) else { return .some(nil) }
        return WeatherHourLine(
            hour: Timestamp(microseconds: hour), temperatureC: try r.double(0, 1), precipitationMM: try r.double(0, 2),
            reportedAt: Timestamp(microseconds: reportedAt))
    }

    func hours(park: String, range: TimeRange) async throws -> [WeatherHourLine] {
        let r = try await pool.query(
            """
            SELECT DISTINCT ON (hour) hour, temperature_c, precipitation_mm, reported_at FROM \(placement[WeatherTables.reports])
             WHERE park_id = $1 AND hour >= $2 AND hour < $3 ORDER BY hour, reported_at DESC
            """, [.text(park), .timestamp(range.from.microseconds), .timestamp(range.to.microseconds)])
        return try (0..<r.rowCount).map { i throws(PGError) in
            WeatherHourLine(
                hour: Timestamp(microseconds: try r.timestamp(i, 0) ?? 0), temperatureC: try r.double(i, 1),
                precipitationMM: try r.double(i, 2), reportedAt: Timestamp(microseconds: try r.timestamp(i, 3) ?? 0))
        }
    }
}
