import Events

@testable import QueryService

/// `WeatherReading` from memory, for route tests.
struct InMemoryWeatherStore: WeatherReading {
    /// Park → its newest observation (an inner nil: reports folded, none observed yet).
    var current: [String: WeatherHourLine?] = [:]
    var hours: [String: [WeatherHourLine]] = [:]

    func current(park: String) async throws -> WeatherHourLine?? { current[park] }

    func hours(park: String, range: TimeRange) async throws -> [WeatherHourLine] {
        (hours[park] ?? []).filter { $0.hour >= range.from && $0.hour < range.to }
    }
}
