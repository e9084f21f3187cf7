import Events

@testable import QueryService

/// `ForecastReading` and `ParkContextReading` from memory, for route tests.
struct InMemoryForecastStore: ForecastReading, ParkContextReading {
    /// "park/attraction" → its newest round of predictions.
    var latest: [String: [ForecastLine]] = [:]
    var accuracy: [String: [AccuracyLine]] = [:]
    var contexts: [String: String] = [:]

    func latest(park: String, attraction: String) async throws -> [ForecastLine] { latest[park + "/" + attraction] ?? [] }
    func accuracy(park: String, range: TimeRange) async throws -> [AccuracyLine] { accuracy[park] ?? [] }
    func state(park: String) async throws -> [UInt8]? { contexts[park].map { Array($0.utf8) } }
}
