import Events

@testable import QueryService

/// `ForecastReading`, `CrowdForecastReading` and `ParkContextReading` from memory, for route tests.
struct InMemoryForecastStore: ForecastReading, CrowdForecastReading, ParkContextReading {
    /// "park/attraction" → its newest round of predictions.
    var latest: [String: [ForecastLine]] = [:]
    var accuracy: [String: [AccuracyLine]] = [:]
    var contexts: [String: String] = [:]
    /// Park → its newest forecast, and every hour's last one.
    var crowdNewest: [String: CrowdForecastUpdated] = [:]
    var crowd: [String: [CrowdForecastHour]] = [:]

    func latest(park: String, attraction: String) async throws -> [ForecastLine] { latest[park + "/" + attraction] ?? [] }
    func accuracy(park: String, range: TimeRange) async throws -> [AccuracyLine] { accuracy[park] ?? [] }
    func latest(park: String) async throws -> CrowdForecastUpdated? { crowdNewest[park] }
    func hours(park: String, range: TimeRange) async throws -> [CrowdForecastHour] {
        (crowd[park] ?? []).filter { $0.hour >= range.from && $0.hour < range.to }
    }
    func state(park: String) async throws -> [UInt8]? { contexts[park].map { Array($0.utf8) } }
}
