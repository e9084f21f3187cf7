import Events

/// What the forecast routes need from storage: the PostgreSQL store in production (`ForecastReadStore`), an
/// in-memory one in route tests.
protocol ForecastReading: Sendable {
    /// The newest prediction of each horizon of the attraction (empty: none yet).
    func latest(park: String, attraction: String) async throws -> [ForecastLine]
    /// MAE per model version, source and horizon over the predictions whose target time is in `range`.
    func accuracy(park: String, range: TimeRange) async throws -> [AccuracyLine]
}
