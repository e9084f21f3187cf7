import Events
import Hummingbird
import Postgres
import Projections

/// The read endpoint of `motorsport_telemetry`: a car's telemetry over a time range, from the 1-second
/// rollup, in buckets of a chosen resolution.
public struct TelemetryRoutes: ReadRoutes {
    let pool: PGPool
    let placement: TablePlacement

    public init(pool: PGPool, placement: TablePlacement) {
        self.pool = pool
        self.placement = placement
    }

    public func add<Context: RequestContext>(to router: Router<Context>) {
        router.get("/v1/sessions/:session_id/drivers/:driver_number/telemetry", use: telemetry)
    }

    static let telemetryColumns = ResultJSON([
        ("time", .time), ("samples", .int), ("speed_min", .int), ("speed_max", .int), ("speed_mean", .double),
        ("throttle_mean", .double), ("brake_share", .double), ("gear_max", .int), ("drs_open_share", .double),
    ])
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
        let buckets = (range.to.microseconds - range.from.microseconds) / (Int64(resolution) * 1_000_000)
        guard buckets <= Self.maxTelemetryBuckets else {
            throw QueryError.invalidParameter(
                "resolution", "\(buckets) buckets of \(resolution) s exceed \(Self.maxTelemetryBuckets): use a coarser resolution")
        }
        // Buckets aligned on whole multiples of the resolution since the epoch (plain SQL: no TimescaleDB needed).
        let r = try await pool.query(
            """
            SELECT to_timestamp(floor(extract(epoch FROM time) / $5) * $5) AS bucket, sum(samples)::bigint,
                   min(speed_min), max(speed_max), sum(speed_sum)::float8 / sum(samples),
                   sum(throttle_sum)::float8 / sum(samples), sum(brake_samples)::float8 / sum(samples), max(gear_max),
                   sum(drs_open_samples)::float8 / sum(samples)
            FROM \(placement[TelemetryTables.telemetry1s])
            WHERE session_id = $1 AND driver_number = $2 AND time >= $3 AND time < $4
            GROUP BY bucket ORDER BY bucket
            """,
            [.text(session), .int(Int64(driver)), .timestamp(range.from.microseconds), .timestamp(range.to.microseconds),
             .int(Int64(resolution))])
        return try Self.telemetryColumns.listResponse(idName: "session_id", id: session, key: "buckets", r, bytesPerRow: 200) { json in
            json.key("driver_number"); json.int(driver)
            json.key("resolution_seconds"); json.int(resolution)
        }
    }
}
