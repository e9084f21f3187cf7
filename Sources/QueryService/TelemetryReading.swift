/// What the telemetry read route needs from storage: the PostgreSQL store in production
/// (`TelemetryReadStore`), an in-memory one in route tests.
protocol TelemetryReading: Sendable {
    /// The car's telemetry over `[range.from, range.to)` in buckets of `resolution` seconds aligned on whole
    /// multiples of it since the epoch; buckets without samples are absent.
    func buckets(session: String, driver: Int, range: TimeRange, resolution: Int) async throws -> [TelemetryBucket]
}
