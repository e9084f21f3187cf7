import Events
import Hummingbird
import Postgres
import Projections

/// `/v1/parks/{park}/…`: current waits, wait history, baselines, crowd now and its history, over the parks
/// projections' tables.
struct ParksRoutes: Sendable {
    /// Most crowd samples one history answer holds.
    static let maxCrowdSamples = 10_000

    let store: ParksReadStore

    func add<Context: RequestContext>(to router: Router<Context>) {
        router.group("/v1/parks/:park_id")
            .get("waits", use: waits)
            .get("attractions/:attraction_id/history", use: waitHistory)
            .get("baselines", use: baselines)
            .get("crowd", use: crowd)
            .get("crowd/history", use: crowdHistory)
    }

    // MARK: - Waits

    @Sendable func waits(_ request: Request, context: some RequestContext) async throws -> Response {
        let park = try IDParameter.path("park_id", context)
        let attractions = try await store.currentWaits(park: park)
        guard !attractions.isEmpty else { throw Self.unknownPark(park) }
        var json = JSONWriter(capacity: 128 + attractions.count * 192)
        json.beginObject()
        json.key("park_id")
        json.string(park)
        json.key("attractions")
        json.beginArray()
        for attraction in attractions { attraction.write(to: &json) }
        json.endArray()
        json.endObject()
        return .json(json)
    }

    @Sendable func waitHistory(_ request: Request, context: some RequestContext) async throws -> Response {
        let park = try IDParameter.path("park_id", context)
        let attraction = try IDParameter.path("attraction_id", context)
        let query = request.uri.queryParameters
        let range = try TimeRange(query: query)
        let interval = try BucketInterval(query: query)
        try interval.check(range)
        switch try await store.presence(park: park, attraction: attraction) {
        case .unknownPark: throw Self.unknownPark(park)
        case .unknownAttraction: throw Self.unknownAttraction(attraction, park: park)
        case .known: break
        }
        let buckets = try await store.waitHistory(park: park, attraction: attraction, range: range, interval: interval)
        var json = JSONWriter(capacity: 256 + buckets.count * 160)
        json.beginObject()
        json.key("park_id")
        json.string(park)
        json.key("attraction_id")
        json.string(attraction)
        json.key("from")
        json.timestamp(range.from)
        json.key("to")
        json.timestamp(range.to)
        json.key("interval")
        json.string(interval.text)
        json.key("buckets")
        json.beginArray()
        for bucket in buckets { bucket.write(to: &json) }
        json.endArray()
        json.endObject()
        return .json(json)
    }

    @Sendable func baselines(_ request: Request, context: some RequestContext) async throws -> Response {
        let park = try IDParameter.path("park_id", context)
        let attraction = try IDParameter.query("attraction_id", request)
        let baselines = try await store.baselines(park: park, attraction: attraction)
        if baselines.isEmpty {
            // No baselines yet is a valid answer for a known park/attraction; an unknown id is not.
            if let attraction {
                switch try await store.presence(park: park, attraction: attraction) {
                case .unknownPark: throw Self.unknownPark(park)
                case .unknownAttraction: throw Self.unknownAttraction(attraction, park: park)
                case .known: break
                }
            } else if !(try await store.parkExists(park)) {
                throw Self.unknownPark(park)
            }
        }
        var json = JSONWriter(capacity: 128 + baselines.count * 128)
        json.beginObject()
        json.key("park_id")
        json.string(park)
        json.key("baselines")
        json.beginArray()
        for baseline in baselines { baseline.write(to: &json) }
        json.endArray()
        json.endObject()
        return .json(json)
    }

    // MARK: - Crowd

    @Sendable func crowd(_ request: Request, context: some RequestContext) async throws -> Response {
        let park = try IDParameter.path("park_id", context)
        guard let crowd = try await store.crowdNow(park: park) else {
            if try await store.parkExists(park) {
                throw QueryError.notFound("park '\(park)' has no crowd level yet", field: "park_id")
            }
            throw Self.unknownPark(park)
        }
        var json = JSONWriter(capacity: 192)
        crowd.write(to: &json)
        return .json(json)
    }

    @Sendable func crowdHistory(_ request: Request, context: some RequestContext) async throws -> Response {
        let park = try IDParameter.path("park_id", context)
        let range = try TimeRange(query: request.uri.queryParameters)
        // One extra row tells whether the limit cut the answer short.
        var samples = try await store.crowdHistory(park: park, range: range, limit: Self.maxCrowdSamples + 1)
        if samples.isEmpty, !(try await store.parkExists(park)) { throw Self.unknownPark(park) }
        let truncated = samples.count > Self.maxCrowdSamples
        if truncated { samples.removeLast(samples.count - Self.maxCrowdSamples) }
        var json = JSONWriter(capacity: 256 + samples.count * 160)
        json.beginObject()
        json.key("park_id")
        json.string(park)
        json.key("from")
        json.timestamp(range.from)
        json.key("to")
        json.timestamp(range.to)
        json.key("samples")
        json.beginArray()
        for sample in samples { sample.write(to: &json) }
        json.endArray()
        // True when more samples exist: query again from the last sample's time.
        json.key("truncated")
        json.bool(truncated)
        json.endObject()
        return .json(json)
    }

    static func unknownPark(_ park: String) -> QueryError {
        .notFound("unknown park '\(park)'", field: "park_id")
    }

    static func unknownAttraction(_ attraction: String, park: String) -> QueryError {
        .notFound("unknown attraction '\(attraction)' in park '\(park)'", field: "attraction_id")
    }
}
