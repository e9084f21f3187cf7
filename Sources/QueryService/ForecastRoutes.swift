import APIDescription
import Events
import Hummingbird
import Postgres
import Projections

/// The read endpoints of `parks_wait_predictions`: `GET /v1/parks/{park}/attractions/{a}/forecast`, the
/// attraction's newest forecast at each horizon with the model (or baseline) that made it; and
/// `GET /v1/parks/{park}/forecast-accuracy?from&to`, the live MAE per model version, source and horizon over the
/// predictions whose target time is in the range.
public struct ForecastRoutes: ReadRoutes {
    let store: any ForecastReading

    public init(pool: PGPool, tables: any TableNaming) { store = ForecastReadStore(pool: pool, placement: tables) }

    init(store: any ForecastReading) { self.store = store }

    public var operations: [APIOperation] {
        let park = APIParameter.id("park_id", "The park's id", example: "sim-1")
        return [
            APIOperation(
                "GET", "/v1/parks/{park_id}/attractions/{attraction_id}/forecast", id: "getAttractionForecast",
                summary: "The attraction's newest wait forecast at each horizon, with who answered it.", tag: "parks",
                parameters: [park, .id("attraction_id", "The attraction's id", example: "ride-1")],
                response: .object([
                    ("park_id", .string), ("attraction_id", .string), ("made_at", .dateTime), ("horizons", .array(ForecastLine.schema)),
                ])),
            APIOperation(
                "GET", "/v1/parks/{park_id}/forecast-accuracy", id: "getForecastAccuracy",
                summary: "Live mean absolute error per model version, source and horizon, over predictions whose target time is in the range.",
                tag: "parks", parameters: [park] + APIParameter.timeRange,
                response: .object([("park_id", .string), ("accuracy", .array(AccuracyLine.schema))])),
        ]
    }

    public func add<Context: RequestContext>(to router: Router<Context>) {
        router.get("/v1/parks/:park_id/attractions/:attraction_id/forecast", use: forecast)
        router.get("/v1/parks/:park_id/forecast-accuracy", use: accuracy)
    }

    @Sendable func forecast(_ request: Request, context: some RequestContext) async throws -> Response {
        let park = try IDParameter.path("park_id", context)
        let attraction = try IDParameter.path("attraction_id", context)
        let lines = try await store.latest(park: park, attraction: attraction)
        guard let first = lines.first else {
            throw QueryError.notFound("no forecast for attraction '\(attraction)' of park '\(park)' yet", field: "attraction_id")
        }
        return .list(
            idName: "park_id", id: park, key: "horizons", lines, bytesPerRow: 160,
            extra: { json in
                json.key("attraction_id"); json.string(attraction)
                json.key("made_at"); json.timestamp(first.madeAt)
            }, write: { $0.write(to: &$1) })
    }

    @Sendable func accuracy(_ request: Request, context: some RequestContext) async throws -> Response {
        let park = try IDParameter.path("park_id", context)
        let range = try TimeRange(query: request.uri.queryParameters)
        let lines = try await store.accuracy(park: park, range: range)
        return .list(idName: "park_id", id: park, key: "accuracy", lines, bytesPerRow: 120, write: { $0.write(to: &$1) })
    }
}
