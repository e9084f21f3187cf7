import APIDescription
import Events
import Hummingbird
import Postgres
import Projections

/// The read endpoints of `parks_crowd`: `/v1/parks/{park}/crowd` (the level now) and `/crowd/history`.
public struct CrowdRoutes: ReadRoutes {
    /// Most crowd samples one history answer holds.
    static let maxSamples = 10_000

    let store: any ParksReading

    public init(pool: PGPool, tables: any TableNaming) { store = ParksReadStore(pool: pool, placement: tables) }

    init(store: any ParksReading) { self.store = store }

    public var operations: [APIOperation] {
        let park = APIParameter.id("park_id", "The park's id", example: "sim-1")
        return [
            APIOperation(
                "GET", "/v1/parks/{park_id}/crowd", id: "getParkCrowd", summary: "The park's crowd level now.", tag: "parks",
                parameters: [park], response: ParkCrowd.schema),
            APIOperation(
                "GET", "/v1/parks/{park_id}/crowd/history", id: "getParkCrowdHistory",
                summary: "The park's crowd levels over a time range (at most \(Self.maxSamples) samples; truncated says more exist).",
                tag: "parks", parameters: [park] + APIParameter.timeRange,
                response: .object([
                    ("park_id", .string), ("from", .dateTime), ("to", .dateTime), ("samples", .array(CrowdSample.schema)), ("truncated", .boolean),
                ])),
        ]
    }

    public func add<Context: RequestContext>(to router: Router<Context>) {
        router.group("/v1/parks/:park_id")
            .get("crowd", use: crowd)
            .get("crowd/history", use: crowdHistory)
    }

    @Sendable func crowd(_ request: Request, context: some RequestContext) async throws -> Response {
        let park = try IDParameter.path("park_id", context)
        guard let crowd = try await store.crowdNow(park: park) else {
            if try await store.parkExists(park) {
                throw QueryError.notFound("park '\(park)' has no crowd level yet", field: "park_id")
            }
            throw QueryError.unknownPark(park)
        }
        var json = JSONWriter(capacity: 192)
        crowd.write(to: &json)
        return .json(json)
    }

    @Sendable func crowdHistory(_ request: Request, context: some RequestContext) async throws -> Response {
        let park = try IDParameter.path("park_id", context)
        let range = try TimeRange(query: request.uri.queryParameters)
        // One extra row tells whether the limit cut the answer short.
        var samples = try await store.crowdHistory(park: park, range: range, limit: Self.maxSamples + 1)
        if samples.isEmpty, !(try await store.parkExists(park)) { throw QueryError.unknownPark(park) }
        let truncated = samples.count > Self.maxSamples
        if truncated { samples.removeLast(samples.count - Self.maxSamples) }
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
}
