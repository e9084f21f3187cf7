import Events

/// What the crowd-forecast route needs from storage: the PostgreSQL store in production
/// (`CrowdForecastReadStore`), an in-memory one in route tests.
protocol CrowdForecastReading: Sendable {
    /// The park's newest forecast (nil: none yet).
    func latest(park: String) async throws -> CrowdForecastUpdated?
    /// The last forecast made for each hour in `range`, by hour.
    func hours(park: String, range: TimeRange) async throws -> [CrowdForecastHour]
}
