import APIDescription
import Events
import Hummingbird
import Postgres
import Projections

/// The read endpoint of `motorsport_telemetry`: a car's telemetry over a time range, from the 1-second
/// rollup, in buckets of a chosen resolution.
public struct TelemetryRoutes: ReadRoutes {
    let store: any TelemetryReading

    public init(pool: PGPool, tables: any TableNaming) { store = TelemetryReadStore(pool: pool, placement: tables) }

    init(store: any TelemetryReading) { self.store = store }

    public var operations: [APIOperation] {
        [
            APIOperation(
                "GET", "/v1/sessions/{session_id}/drivers/{driver_number}/telemetry", id: "getDriverTelemetry",
                summary: "A car's telemetry over a time range, from the 1-second rollup, in buckets of resolution seconds.", tag: "motorsport",
                parameters: [
                    .id("session_id", "The session's id", example: "demo-race"), SessionRoutes.driverParameter,
                ] + APIParameter.timeRange + [
                    APIParameter(
                        "resolution", in: .query, required: false, schema: .integer(minimum: 1, maximum: 3_600),
                        "Bucket width in seconds (default 1; at most \(Self.maxTelemetryBuckets) buckets)."),
                ],
                response: .object([
                    ("session_id", .string), ("driver_number", .integer(minimum: 1, maximum: 99)), ("resolution_seconds", .integer(minimum: 1)),
                    ("buckets", .array(TelemetryBucket.schema)),
                ]), errors: [400, 503]),
        ]
    }

    public func add<Context: RequestContext>(to router: Router<Context>) {
        router.get("/v1/sessions/:session_id/drivers/:driver_number/telemetry", use: telemetry)
    }

    /// Most buckets one answer holds: a dashboard asks for a coarser resolution over a longer window.
    static let maxTelemetryBuckets = 10_000

    /// A car's telemetry over `[from, to)`, from the 1-second rollup, in buckets of `resolution` seconds.
    @Sendable func telemetry(_ request: Request, context: some RequestContext) async throws -> Response {
        let session = try IDParameter.path("session_id", context)
        let driver = try IDParameter.driverNumber(context)
        let query = request.uri.queryParameters
        let range = try TimeRange(query: query)
        var resolution = 1
        if let text = query.get("resolution") {
            guard let n = Int(text), (1...3_600).contains(n) else {
                throw QueryError.invalidParameter("resolution", "'resolution' must be whole seconds from 1 to 3600")
            }
            resolution = n
        }
        let count = (range.to.microseconds - range.from.microseconds) / (Int64(resolution) * 1_000_000)
        guard count <= Self.maxTelemetryBuckets else {
            throw QueryError.invalidParameter(
                "resolution", "\(count) buckets of \(resolution) s exceed \(Self.maxTelemetryBuckets): use a coarser resolution")
        }
        let buckets = try await store.buckets(session: session, driver: driver, range: range, resolution: resolution)
        return .list(
            idName: "session_id", id: session, key: "buckets", buckets, bytesPerRow: 200,
            extra: { json in
                json.key("driver_number"); json.int(driver)
                json.key("resolution_seconds"); json.int(resolution)
            }, write: { $0.write(to: &$1) })
    }
}
