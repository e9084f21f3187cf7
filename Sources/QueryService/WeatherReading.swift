import Events

/// What the weather read route needs from storage: the PostgreSQL store in production (`WeatherReadStore`), an
/// in-memory one in route tests.
protocol WeatherReading: Sendable {
    /// The park's newest observation (nil hour: reports folded, none observed yet); nil when the park has none.
    func current(park: String) async throws -> WeatherHourLine??
    /// The latest report of each hour in `range`, by hour.
    func hours(park: String, range: TimeRange) async throws -> [WeatherHourLine]
}
