import APIDescription
import Events
import Hummingbird
import Postgres
import Projections

/// The read endpoint of `parks_crowd_forecast`: `GET /v1/parks/{park}/crowd-forecast`, the park's newest crowd
/// level forecast for the rest of its day, hour by hour (no hours once the day is over); with `from` and `to`,
/// the last forecast made for each hour in the range instead (to set beside the levels that came).
public struct CrowdForecastRoutes: ReadRoutes {
    let store: any CrowdForecastReading

    public init(pool: PGPool, tables: any TableNaming) { store = CrowdForecastReadStore(pool: pool, placement: tables) }

    init(store: any CrowdForecastReading) { self.store = store }

    public var operations: [APIOperation] {
        [
            APIOperation(
                "GET", "/v1/parks/{park_id}/crowd-forecast", id: "getParkCrowdForecast",
                summary: "The park's crowd level forecast for the rest of its day, by hour; with from and to, each hour's last forecast.",
                tag: "parks",
                parameters: [.id("park_id", "The park's id", example: "sim-1")] + APIParameter.timeRange.map { var p = $0; p.required = false; return p },
                response: .object([("park_id", .string), ("made_at", .nullable(.dateTime)), ("hours", .array(CrowdForecastHour.schema))])),
        ]
    }

    public func add<Context: RequestContext>(to router: Router<Context>) {
        router.get("/v1/parks/:park_id/crowd-forecast", use: forecast)
    }

    @Sendable func forecast(_ request: Request, context: some RequestContext) async throws -> Response {
        let park = try IDParameter.path("park_id", context)
        let query = request.uri.queryParameters
        let hours: [CrowdForecastHour], madeAt: Timestamp?
        if query.get("from") == nil, query.get("to") == nil {
            guard let forecast = try await store.latest(park: park) else {
                throw QueryError.notFound("no crowd forecast for park '\(park)' yet (it comes with wait predictions)", field: "park_id")
            }
            madeAt = forecast.madeAt
            hours = forecast.hours.map {
                CrowdForecastHour(
                    hour: $0.start, level: $0.level.rawValue, ratio: $0.ratio, meanPredictedMinutes: $0.meanPredictedMinutes,
                    attractions: Int64($0.attractions), madeAt: forecast.madeAt)
            }
        } else {
            hours = try await store.hours(park: park, range: try TimeRange(query: query))
            madeAt = hours.map(\.madeAt).max()
        }
        return .list(
            idName: "park_id", id: park, key: "hours", hours, bytesPerRow: 140,
            extra: { json in
                json.key("made_at")
                if let madeAt { json.timestamp(madeAt) } else { json.null() }
            }, write: { $0.write(to: &$1) })
    }
}
