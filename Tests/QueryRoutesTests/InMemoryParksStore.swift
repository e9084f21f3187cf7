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

    func parks(_ page: IDPage) async throws -> [ParkLine] {
        InMemoryOrder.page(waits.filter { !$0.value.isEmpty }, page).map { id, attractions in
                let open = attractions.filter { $0.status == "OPERATING" }
                let waits = open.compactMap(\.waitMinutes)
                return ParkLine(
                    parkID: id, timeZone: nil, attractions: Int64(attractions.count), operating: Int64(open.count),
                    meanWaitMinutes: waits.isEmpty ? nil : (Double(waits.reduce(0, +)) / Double(waits.count) * 10).rounded() / 10,
                    observedAt: attractions.compactMap(\.observedAt).max())
        }
    }

    func currentWaits(park: String) async throws -> [AttractionWait] {
        (waits[park] ?? []).sorted { InMemoryOrder.precedes($0.attractionID, $1.attractionID) }
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
