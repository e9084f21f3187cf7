import Events
import Postgres
import Projections

/// `TelemetryReading` over the telemetry rollup at a placement.
struct TelemetryReadStore: TelemetryReading {
    let pool: PGPool
    let placement: any TableNaming

    func buckets(session: String, driver: Int, range: TimeRange, resolution: Int) async throws -> [TelemetryBucket] {
        // Plain SQL (no TimescaleDB needed); means from sums and counts, never means of means.
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
        return try (0..<r.rowCount).map { i throws(PGError) in
            TelemetryBucket(
                time: Timestamp(microseconds: try r.timestamp(i, 0) ?? 0), samples: try r.int(i, 1) ?? 0,
                speedMin: try r.int(i, 2) ?? 0, speedMax: try r.int(i, 3) ?? 0, speedMean: try r.double(i, 4) ?? 0,
                throttleMean: try r.double(i, 5) ?? 0, brakeShare: try r.double(i, 6) ?? 0, gearMax: try r.int(i, 7) ?? 0,
                drsOpenShare: try r.double(i, 8) ?? 0)
        }
    }
}
