import APIDescription
import Events
import Hummingbird
import Postgres
import Projections

/// The read endpoint of `parks_weather`: `GET /v1/parks/{park}/weather?from=&to=`, the park's newest observation
/// (`current`) and the latest report of each hour in the range, each saying whether it is still a forecast.
public struct WeatherRoutes: ReadRoutes {
    let store: any WeatherReading

    public init(pool: PGPool, tables: any TableNaming) { store = WeatherReadStore(pool: pool, placement: tables) }

    init(store: any WeatherReading) { self.store = store }

    public var operations: [APIOperation] {
        [
            APIOperation(
                "GET", "/v1/parks/{park_id}/weather", id: "getParkWeather",
                summary: "The park's newest weather observation and the latest report of each hour in the range.", tag: "parks",
                parameters: [.id("park_id", "The park's id", example: "sim-1")] + APIParameter.timeRange,
                response: .object([("park_id", .string), ("current", .nullable(WeatherHourLine.schema)), ("hours", .array(WeatherHourLine.schema))])),
        ]
    }

    public func add<Context: RequestContext>(to router: Router<Context>) {
        router.get("/v1/parks/:park_id/weather", use: weather)
    }

    @Sendable func weather(_ request: Request, context: some RequestContext) async throws -> Response {
        let park = try IDParameter.path("park_id", context)
        let range = try TimeRange(query: request.uri.queryParameters)
        guard let current = try await store.current(park: park) else { throw QueryError.unknownPark(park) }
        let hours = try await store.hours(park: park, range: range)
        return .list(
            idName: "park_id", id: park, key: "hours", hours, bytesPerRow: 120,
            extra: { json in
                json.key("current")
                if let current { current.write(to: &json) } else { json.null() }
            }, write: { $0.write(to: &$1) })
    }
}
