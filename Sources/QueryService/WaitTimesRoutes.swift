import APIDescription
import Events
import Hummingbird
import Postgres
import Projections

/// The read endpoints of `parks_wait_times`: `/v1/parks/{park}/waits` (current waits),
/// `/attractions/{attraction}/history` (bucketed history) and `/baselines` (hour-of-week P50/P90).
public struct WaitTimesRoutes: ReadRoutes {
    let store: any ParksReading

    public init(pool: PGPool, tables: any TableNaming) { store = ParksReadStore(pool: pool, placement: tables) }

    init(store: any ParksReading) { self.store = store }

    public var operations: [APIOperation] {
        let park = APIParameter.id("park_id", "The park's id", example: "sim-1")
        return [
            APIOperation(
                "GET", "/v1/parks", id: "listParks",
                summary: "Every park with attractions, by id: how many operate now and their mean wait; next_cursor pages on.",
                tag: "parks", parameters: IDPage.parameters, response: IDPage.schema(key: "parks", row: ParkLine.schema)),
            APIOperation(
                "GET", "/v1/parks/{park_id}/waits", id: "getParkWaits", summary: "The park's attractions and their waits now, by id.",
                tag: "parks", parameters: [park],
                response: .object([("park_id", .string), ("attractions", .array(AttractionWait.schema))])),
            APIOperation(
                "GET", "/v1/parks/{park_id}/attractions/{attraction_id}/history", id: "getAttractionWaitHistory",
                summary: "An attraction's waits over a time range, in buckets.", tag: "parks",
                parameters: [park, .id("attraction_id", "The attraction's id", example: "ride-1")] + APIParameter.timeRange + [.interval],
                response: .object([
                    ("park_id", .string), ("attraction_id", .string), ("from", .dateTime), ("to", .dateTime), ("interval", .string),
                    ("buckets", .array(WaitBucket.schema)),
                ])),
            APIOperation(
                "GET", "/v1/parks/{park_id}/baselines", id: "getParkBaselines",
                summary: "Usual waits (P50, P90) per attraction and hour of the week, park-local.", tag: "parks",
                parameters: [park, APIParameter("attraction_id", in: .query, required: false, schema: .identifier, "Only this attraction.")],
                response: .object([("park_id", .string), ("baselines", .array(WaitBaseline.schema))])),
        ]
    }

    public func add<Context: RequestContext>(to router: Router<Context>) {
        router.get("/v1/parks", use: parks)
        router.group("/v1/parks/:park_id")
            .get("waits", use: waits)
            .get("attractions/:attraction_id/history", use: waitHistory)
            .get("baselines", use: baselines)
    }

    @Sendable func parks(_ request: Request, context: some RequestContext) async throws -> Response {
        let page = try IDPage(query: request.uri.queryParameters)
        return page.answer(key: "parks", try await store.parks(page), id: \.parkID, bytesPerRow: 160) { $0.write(to: &$1) }
    }

    @Sendable func waits(_ request: Request, context: some RequestContext) async throws -> Response {
        let park = try IDParameter.path("park_id", context)
        let attractions = try await store.currentWaits(park: park)
        guard !attractions.isEmpty else { throw QueryError.unknownPark(park) }
        return .list(idName: "park_id", id: park, key: "attractions", attractions, bytesPerRow: 192) { $0.write(to: &$1) }
    }

    @Sendable func waitHistory(_ request: Request, context: some RequestContext) async throws -> Response {
        let park = try IDParameter.path("park_id", context)
        let attraction = try IDParameter.path("attraction_id", context)
        let query = request.uri.queryParameters
        let range = try TimeRange(query: query)
        let interval = try BucketInterval(query: query)
        try interval.check(range)
        try await requireAttraction(attraction, park: park)
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
                try await requireAttraction(attraction, park: park)
            } else if !(try await store.parkExists(park)) {
                throw QueryError.unknownPark(park)
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

    /// 404 naming the unknown one, unless the park has the attraction.
    func requireAttraction(_ attraction: String, park: String) async throws {
        switch try await store.presence(park: park, attraction: attraction) {
        case .unknownPark: throw QueryError.unknownPark(park)
        case .unknownAttraction: throw QueryError.unknownAttraction(attraction, park: park)
        case .known: break
        }
    }
}
