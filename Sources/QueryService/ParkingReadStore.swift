import Events
import Postgres
import Projections

/// `ParkingReading` over the parking tables at a placement.
struct ParkingReadStore: ParkingReading {
    let pool: PGPool
    let placement: any TableNaming

    func facility(_ facility: String) async throws -> FacilitySummary? {
        let r = try await pool.query(
            "SELECT \(Self.summaryColumns) FROM \(placement[ParkingTables.facilities]) WHERE facility_id = $1", [.text(facility)])
        guard r.rowCount > 0 else { return nil }
        return try Self.summary(r, 0, from: 0)
    }

    func facilities(_ page: IDPage) async throws -> [(id: String, summary: FacilitySummary)] {
        let r = try await pool.query(
            """
            SELECT facility_id, \(Self.summaryColumns) FROM \(placement[ParkingTables.facilities])
            WHERE facility_id COLLATE "C" > coalesce($1::text, '') ORDER BY facility_id COLLATE "C" LIMIT $2
            """, [.text(page.after), .int(Int64(page.limit + 1))])
        return try (0..<r.rowCount).map { i throws(PGError) in (r.string(i, 0) ?? "", try Self.summary(r, i, from: 1)) }
    }

    private static let summaryColumns = """
        name, capacity, occupied, free, unknown, above_threshold, threshold_changed_at, alert_up_percent, \
        alert_down_percent, sensors_offline, clock
        """

    /// A `FacilitySummary` from `summaryColumns`, starting at `column`.
    private static func summary(_ r: PGResult, _ i: Int, from c: Int) throws(PGError) -> FacilitySummary {
        FacilitySummary(
            name: r.string(i, c), capacity: try r.int(i, c + 1) ?? 0, occupied: try r.int(i, c + 2) ?? 0,
            free: try r.int(i, c + 3) ?? 0, unknown: try r.int(i, c + 4) ?? 0, aboveThreshold: try r.bool(i, c + 5) ?? false,
            thresholdChangedAt: try r.timestamp(i, c + 6).map(Timestamp.init(microseconds:)), alertUpPercent: try r.int(i, c + 7) ?? 0,
            alertDownPercent: try r.int(i, c + 8) ?? 0, sensorsOffline: try r.int(i, c + 9) ?? 0,
            clock: try r.timestamp(i, c + 10).map(Timestamp.init(microseconds:)))
    }

    func areas(_ facility: String) async throws -> [AreaOccupancyLine] {
        let r = try await pool.query(
            """
            SELECT scope, level, zone, occupied, free, unknown, capacity, updated_at FROM \(placement[ParkingTables.occupancyCurrent])
            WHERE facility_id = $1 AND scope <> 'facility' ORDER BY scope, level, zone
            """, [.text(facility)])
        return try (0..<r.rowCount).map { i throws(PGError) in
            AreaOccupancyLine(
                scope: r.string(i, 0) ?? "", level: r.string(i, 1) ?? "", zone: r.string(i, 2) ?? "",
                counts: try Self.counts(r, i, from: 3), updatedAt: Timestamp(microseconds: try r.timestamp(i, 7) ?? 0))
        }
    }

    static func counts(_ r: PGResult, _ row: Int, from column: Int) throws(PGError) -> OccupancyCounts {
        OccupancyCounts(
            occupied: try r.int(row, column) ?? 0, free: try r.int(row, column + 1) ?? 0,
            unknown: try r.int(row, column + 2) ?? 0, capacity: try r.int(row, column + 3) ?? 0)
    }

    func areaExists(_ facility: String, scope: OccupancyScope, level: String, zone: String) async throws -> Bool {
        try await pool.query(
            "SELECT 1 FROM \(placement[ParkingTables.occupancyCurrent]) WHERE facility_id = $1 AND scope = $2 AND level = $3 AND zone = $4",
            [.text(facility), .text(scope.rawValue), .text(level), .text(zone)]
        ).rowCount > 0
    }

    func occupancyChanges(
        _ facility: String, scope: OccupancyScope, level: String, zone: String, range: TimeRange, width: Int64
    ) async throws -> [OccupancyChange] {
        let r = try await pool.query(
            """
            SELECT floor((extract(epoch FROM time) - \(BucketInterval.originSeconds)) / $7)::bigint AS bucket,
                   (array_agg(occupied ORDER BY time DESC))[1], (array_agg(free ORDER BY time DESC))[1],
                   (array_agg(unknown ORDER BY time DESC))[1], (array_agg(capacity ORDER BY time DESC))[1],
                   min(occupied), max(occupied)
            FROM \(placement[ParkingTables.occupancyHistory])
            WHERE facility_id = $1 AND scope = $2 AND level = $3 AND zone = $4 AND time >= $5 AND time < $6
            GROUP BY bucket ORDER BY bucket
            """,
            [.text(facility), .text(scope.rawValue), .text(level), .text(zone), .timestamp(range.from.microseconds),
             .timestamp(range.to.microseconds), .int(width)])
        return try (0..<r.rowCount).map { i throws(PGError) in
            OccupancyChange(
                bucket: try r.int(i, 0) ?? 0, last: try Self.counts(r, i, from: 1), occupiedMin: try r.int(i, 5) ?? 0,
                occupiedMax: try r.int(i, 6) ?? 0)
        }
    }

    func occupancy(_ facility: String, scope: OccupancyScope, level: String, zone: String, before time: Timestamp) async throws
        -> OccupancyCounts?
    {
        let r = try await pool.query(
            """
            SELECT occupied, free, unknown, capacity FROM \(placement[ParkingTables.occupancyHistory])
            WHERE facility_id = $1 AND scope = $2 AND level = $3 AND zone = $4 AND time < $5 ORDER BY time DESC LIMIT 1
            """, [.text(facility), .text(scope.rawValue), .text(level), .text(zone), .timestamp(time.microseconds)])
        return r.rowCount > 0 ? try Self.counts(r, 0, from: 0) : nil
    }

    func forecast(_ facility: String) async throws -> [ForecastStep] {
        // One query: the newest issue's steps, each row carrying its issue time.
        let table = placement[ParkingTables.forecasts]
        let r = try await pool.query(
            """
            SELECT target_time, occupied, capacity, issued_at FROM \(table)
            WHERE facility_id = $1 AND issued_at = (SELECT max(issued_at) FROM \(table) WHERE facility_id = $1)
            ORDER BY target_time
            """, [.text(facility)])
        return try (0..<r.rowCount).map { i throws(PGError) in
            ForecastStep(
                time: Timestamp(microseconds: try r.timestamp(i, 0) ?? 0), occupied: try r.int(i, 1) ?? 0,
                capacity: try r.int(i, 2) ?? 0, issuedAt: Timestamp(microseconds: try r.timestamp(i, 3) ?? 0))
        }
    }

    func alerts(_ facility: String, before: ListCursor?, since: Timestamp?, limit: Int) async throws -> [(position: ListCursor, json: String)] {
        let r = try await pool.query(
            """
            SELECT event::text, time, event_id FROM \(placement[ParkingTables.alerts])
            WHERE facility_id = $1 AND ($2::timestamptz IS NULL OR time > $2)
              AND ($3::timestamptz IS NULL OR (time, event_id) < ($3, $4))
            ORDER BY time DESC, event_id DESC LIMIT $5
            """,
            [.text(facility), .timestamp(since?.microseconds), .timestamp(before?.time.microseconds), .text(before?.key ?? ""),
             .int(Int64(limit))])
        return try (0..<r.rowCount).map { i throws(PGError) in
            (ListCursor(time: Timestamp(microseconds: try r.timestamp(i, 1) ?? 0), key: r.string(i, 2) ?? ""), r.string(i, 0) ?? "null")
        }
    }

    func offlineSensors(_ facility: String) async throws -> [SensorLine] {
        let r = try await pool.query(
            """
            SELECT sensor_id, kind, level, zone, last_seen, offline_since, battery_percent FROM \(placement[ParkingTables.sensors])
            WHERE facility_id = $1 AND offline_since IS NOT NULL ORDER BY offline_since, sensor_id
            """, [.text(facility)])
        return try (0..<r.rowCount).map { i throws(PGError) in
            SensorLine(
                sensorID: r.string(i, 0) ?? "", kind: r.string(i, 1) ?? "", level: r.string(i, 2) ?? "", zone: r.string(i, 3) ?? "",
                lastSeen: Timestamp(microseconds: try r.timestamp(i, 4) ?? 0),
                offlineSince: try r.timestamp(i, 5).map(Timestamp.init(microseconds:)), batteryPercent: try r.int(i, 6))
        }
    }

    func stays(_ facility: String, range: TimeRange, edges: [Int64]) async throws -> StayStatistics {
        let table = placement[ParkingTables.stays]
        let bounds: [PGValue] = [.text(facility), .timestamp(range.from.microseconds), .timestamp(range.to.microseconds)]
        let summary = try await pool.query(
            """
            SELECT count(*), avg(duration_seconds)::float8,
                   percentile_disc(0.5) WITHIN GROUP (ORDER BY duration_seconds),
                   percentile_disc(0.9) WITHIN GROUP (ORDER BY duration_seconds)
            FROM \(table) WHERE facility_id = $1 AND ended_at >= $2 AND ended_at < $3
            """, bounds)
        let buckets = try await pool.query(
            """
            SELECT width_bucket(duration_seconds, $4::bigint[]) AS b, count(*)
            FROM \(table) WHERE facility_id = $1 AND ended_at >= $2 AND ended_at < $3
            GROUP BY b ORDER BY b
            """, bounds + [.intArray(edges)])
        var counts = [Int64](repeating: 0, count: edges.count)
        for row in 0..<buckets.rowCount {
            guard let b = try buckets.int(row, 0), b >= 1, b <= Int64(counts.count) else { continue }
            counts[Int(b) - 1] = try buckets.int(row, 1) ?? 0
        }
        return StayStatistics(
            count: try summary.int(0, 0) ?? 0, meanSeconds: try summary.double(0, 1), medianSeconds: try summary.int(0, 2),
            p90Seconds: try summary.int(0, 3), histogram: counts)
    }
}
