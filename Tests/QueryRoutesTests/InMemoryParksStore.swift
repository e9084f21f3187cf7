import Events

@testable import QueryService

/// `ParksReading` over values held in memory: the routes' behaviour (parameters, 404 rules, answer shapes)
/// tested without a database. The SQL behind the same protocol is tested against the real stack.
struct InMemoryParksStore: ParksReading {
    var waits: [String: [AttractionWait]] = [:]
    var history: [String: [WaitBucket]] = [:]  // key "park/attraction"
    var baselineRows: [String: [WaitBaseline]] = [:]
    var crowd: [String: ParkCrowd] = [:]
    var crowdSamples: [String: [CrowdSample]] = [:]

    func currentWaits(park: String) async throws -> [AttractionWait] {
        (waits[park] ?? []).sorted { Array($0.attractionID.utf8).lexicographicallyPrecedes(Array($1.attractionID.utf8)) }
    }

    func presence(park: String, attraction: String) async throws -> AttractionPresence {
        guard let attractions = waits[park], !attractions.isEmpty else { return .unknownPark }
        return attractions.contains { $0.attractionID == attraction } ? .known : .unknownAttraction
    }

    func parkExists(_ park: String) async throws -> Bool { !(waits[park] ?? []).isEmpty || crowd[park] != nil }

    func waitHistory(park: String, attraction: String, range: TimeRange, interval: BucketInterval) async throws -> [WaitBucket] {
        (history["\(park)/\(attraction)"] ?? []).filter { $0.time >= range.from && $0.time < range.to }
    }

    func baselines(park: String, attraction: String?) async throws -> [WaitBaseline] {
        (baselineRows[park] ?? []).filter { attraction == nil || $0.attractionID == attraction }
    }

    func crowdNow(park: String) async throws -> ParkCrowd? { crowd[park] }

    func crowdHistory(park: String, range: TimeRange, limit: Int) async throws -> [CrowdSample] {
        Array((crowdSamples[park] ?? []).filter { $0.time >= range.from && $0.time < range.to }.prefix(limit))
    }
}
