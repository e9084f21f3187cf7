import Events
import Hummingbird
import Postgres
import Projections

/// The read endpoints of `parking_occupancy`: a facility's occupancy now (with levels and zones) and over time, its
/// forecast, active alerts, offline sensors and the distribution of parking stays.
///
/// Table names come from the projections' declarations under a placement; request values travel as statement parameters.
public struct ParkingRoutes: ReadRoutes {
    let pool: PGPool
    let placement: TablePlacement

    public init(pool: PGPool, placement: TablePlacement) {
        self.pool = pool
        self.placement = placement
    }

    static let areaColumns = ResultJSON([
        ("scope", .text), ("level", .text), ("zone", .text), ("occupied", .int), ("free", .int), ("unknown", .int),
        ("capacity", .int), ("updated_at", .time),
    ])
    static let sensorColumns = ResultJSON([
        ("sensor_id", .text), ("kind", .text), ("level", .text), ("zone", .text), ("last_seen", .time),
        ("offline_since", .time), ("battery_percent", .int),
    ])
    static let forecastColumns = ResultJSON([("time", .time), ("occupied", .int), ("capacity", .int)])
    static let maxAlerts = 1_000
    /// Stay-length histogram edges, seconds: under 15 min, 15–30 min, 30 min–1 h, 1–2 h, 2–4 h, 4–8 h, 8 h and more.
    static let stayEdges: [Int64] = [0, 900, 1_800, 3_600, 7_200, 14_400, 28_800]

    public func add<Context: RequestContext>(to router: Router<Context>) {
        router.group("/v1/facilities/:facility_id")
            .get("occupancy", use: occupancy)
            .get("occupancy/history", use: history)
            .get("forecast", use: forecast)
            .get("alerts", use: alerts)
            .get("sensors/offline", use: offlineSensors)
            .get("stays", use: stays)
    }

    /// Now: the facility's totals, threshold state and every level and zone.
    @Sendable func occupancy(_ request: Request, context: some RequestContext) async throws -> Response {
        let facility = try IDParameter.path("facility_id", context)
        let f = try await facilityRow(facility)
        let r = try await pool.query(
            """
            SELECT \(Self.areaColumns.selectList) FROM \(placement[ParkingTables.occupancyCurrent])
            WHERE facility_id = $1 AND scope <> 'facility' ORDER BY scope, level, zone
            """, [.text(facility)])
        return try Self.areaColumns.listResponse(idName: "facility_id", id: facility, key: "areas", r, bytesPerRow: 160) { json in
            try Self.facilityColumns.writeFields(row: 0, of: f, to: &json)
        }
    }

    static let facilityColumns = ResultJSON([
        ("name", .text), ("capacity", .int), ("occupied", .int), ("free", .int), ("unknown", .int),
        ("above_threshold", .bool), ("threshold_changed_at", .time), ("alert_up_percent", .int),
        ("alert_down_percent", .int), ("sensors_offline", .int), ("clock", .time),
    ])

    /// The facility's summary row; 404 when the facility is unknown.
    func facilityRow(_ facility: String) async throws -> PGResult {
        let r = try await pool.query(
            "SELECT \(Self.facilityColumns.selectList) FROM \(placement[ParkingTables.facilities]) WHERE facility_id = $1", [.text(facility)])
        guard r.rowCount > 0 else { throw QueryError.notFound("unknown facility '\(facility)'", field: "facility_id") }
        return r
    }

    /// Occupancy over `[from, to)` in buckets of `interval`: the occupancy at each bucket's end (carried
    /// forward through buckets where nothing changed) and the lowest and highest occupied within it.
    /// `level` and/or `zone` narrow it to a level or a zone.
    @Sendable func history(_ request: Request, context: some RequestContext) async throws -> Response {
        let facility = try IDParameter.path("facility_id", context)
        let query = request.uri.queryParameters
        let range = try TimeRange(query: query)
        let interval = try BucketInterval(query: query)
        try interval.check(range)
        let level = query.get("level").map { String($0) } ?? ""
        let zone = query.get("zone").map { String($0) }
        let scope: OccupancyScope = zone != nil ? .zone : (level.isEmpty ? .facility : .level)
        _ = try await facilityRow(facility)
        let area: [PGValue] = [.text(facility), .text(scope.rawValue), .text(level), .text(zone ?? "")]
        let known = try await pool.query(
            "SELECT 1 FROM \(placement[ParkingTables.occupancyCurrent]) WHERE facility_id = $1 AND scope = $2 AND level = $3 AND zone = $4", area)
        guard known.rowCount > 0 else {
            throw QueryError.notFound(
                "facility '\(facility)' has no \(scope.rawValue) '\([level, zone ?? ""].filter { !$0.isEmpty }.joined(separator: "/"))'",
                field: zone != nil ? "zone" : "level")
        }
        let width = interval.seconds, origin = BucketInterval.originSeconds
        let r = try await pool.query(
            """
            SELECT floor((extract(epoch FROM time) - \(origin)) / $7)::bigint AS bucket,
                   (array_agg(occupied ORDER BY time DESC))[1], (array_agg(free ORDER BY time DESC))[1],
                   (array_agg(unknown ORDER BY time DESC))[1], (array_agg(capacity ORDER BY time DESC))[1],
                   min(occupied), max(occupied)
            FROM \(placement[ParkingTables.occupancyHistory])
            WHERE facility_id = $1 AND scope = $2 AND level = $3 AND zone = $4 AND time >= $5 AND time < $6
            GROUP BY bucket ORDER BY bucket
            """, area + [.timestamp(range.from.microseconds), .timestamp(range.to.microseconds), .int(width)])
        let before = try await pool.query(
            """
            SELECT occupied, free, unknown, capacity FROM \(placement[ParkingTables.occupancyHistory])
            WHERE facility_id = $1 AND scope = $2 AND level = $3 AND zone = $4 AND time < $5 ORDER BY time DESC LIMIT 1
            """, area + [.timestamp(range.from.microseconds)])
        var last: [Int64]? = before.rowCount > 0 ? try (0..<4).map { try before.int(0, $0) ?? 0 } : nil
        var byBucket: [Int64: [Int64]] = [:]
        for row in 0..<r.rowCount {
            byBucket[try r.int(row, 0) ?? 0] = try (1...6).map { try r.int(row, $0) ?? 0 }
        }
        let firstBucket = Timestamp.floorDivision(range.from.seconds - origin, width)
        let lastBucket = Timestamp.floorDivision(range.to.seconds - 1 - origin, width)
        var json = JSONWriter(capacity: 256 + Int(lastBucket - firstBucket + 1) * 120)
        json.beginObject()
        json.key("facility_id"); json.string(facility)
        json.key("scope"); json.string(scope.rawValue)
        json.key("level"); json.string(level)
        json.key("zone"); json.string(zone ?? "")
        json.key("interval"); json.string(interval.text)
        json.key("buckets"); json.beginArray()
        for b in firstBucket...lastBucket {
            let lowHigh: (Int64, Int64)?
            if let v = byBucket[b] {
                lowHigh = (min(v[4], last?[0] ?? v[4]), max(v[5], last?[0] ?? v[5]))
                last = Array(v[0..<4])
            } else {
                lowHigh = last.map { ($0[0], $0[0]) }
            }
            // Before the first known occupancy there is nothing to say about a bucket.
            guard let now = last, let (low, high) = lowHigh else { continue }
            json.beginObject()
            json.key("time"); json.timestamp(Timestamp(seconds: b * width + origin))
            json.key("occupied"); json.int(now[0])
            json.key("free"); json.int(now[1])
            json.key("unknown"); json.int(now[2])
            json.key("capacity"); json.int(now[3])
            json.key("occupied_min"); json.int(low)
            json.key("occupied_max"); json.int(high)
            json.endObject()
        }
        json.endArray()
        json.endObject()
        return .json(json)
    }

    /// The newest forecast: the next hour in 15-minute steps.
    @Sendable func forecast(_ request: Request, context: some RequestContext) async throws -> Response {
        let facility = try IDParameter.path("facility_id", context)
        _ = try await facilityRow(facility)
        // One query: the newest issue's steps, each row carrying its issue time.
        let r = try await pool.query(
            """
            SELECT target_time AS time, occupied, capacity, issued_at FROM \(placement[ParkingTables.forecasts])
            WHERE facility_id = $1 AND issued_at = (SELECT max(issued_at) FROM \(placement[ParkingTables.forecasts]) WHERE facility_id = $1)
            ORDER BY target_time
            """, [.text(facility)])
        let issuedAt = r.rowCount > 0 ? try r.timestamp(0, 3).map(Timestamp.init(microseconds:)) : nil
        return try Self.forecastColumns.listResponse(idName: "facility_id", id: facility, key: "steps", r, bytesPerRow: 80) { json in
            json.key("issued_at"); json.optional(issuedAt)
        }
    }

    /// What is wrong now (threshold crossed, sensors offline) and the alerts raised since `since`.
    @Sendable func alerts(_ request: Request, context: some RequestContext) async throws -> Response {
        let facility = try IDParameter.path("facility_id", context)
        let since = try ListParameters.since(request.uri.queryParameters)
        let f = try await facilityRow(facility)
        let offline = try await offlineSensorRows(facility)
        let raised = try await pool.query(
            """
            SELECT event::text FROM \(placement[ParkingTables.alerts])
            WHERE facility_id = $1 AND ($2::timestamptz IS NULL OR time > $2)
            ORDER BY time DESC, event_id LIMIT \(Self.maxAlerts)
            """, [.text(facility), .timestamp(since?.microseconds)])
        var json = JSONWriter(capacity: 512 + offline.rowCount * 200 + raised.rowCount * 400)
        json.beginObject()
        json.key("facility_id"); json.string(facility)
        json.key("active"); json.beginObject()
        json.key("above_threshold"); if let b = try f.bool(0, 5) { json.bool(b) } else { json.null() }
        json.key("threshold_changed_at"); json.optional(try f.timestamp(0, 6).map(Timestamp.init(microseconds:)))
        json.key("offline_sensors"); json.beginArray()
        for row in 0..<offline.rowCount { try Self.sensorColumns.write(row: row, of: offline, to: &json) }
        json.endArray()
        json.endObject()
        json.key("raised"); json.beginArray()
        for row in 0..<raised.rowCount { json.raw(Array((raised.string(row, 0) ?? "null").utf8)) }
        json.endArray()
        json.key("truncated"); json.bool(raised.rowCount == Self.maxAlerts)
        json.endObject()
        return .json(json)
    }

    @Sendable func offlineSensors(_ request: Request, context: some RequestContext) async throws -> Response {
        let facility = try IDParameter.path("facility_id", context)
        _ = try await facilityRow(facility)
        let r = try await offlineSensorRows(facility)
        return try Self.sensorColumns.listResponse(idName: "facility_id", id: facility, key: "sensors", r, bytesPerRow: 200)
    }

    /// The facility's sensors that are offline now, longest silent first.
    func offlineSensorRows(_ facility: String) async throws -> PGResult {
        try await pool.query(
            """
            SELECT \(Self.sensorColumns.selectList) FROM \(placement[ParkingTables.sensors])
            WHERE facility_id = $1 AND offline_since IS NOT NULL ORDER BY offline_since, sensor_id
            """, [.text(facility)])
    }

    /// Stays that ended in `[from, to)`: count, mean, exact median and 90th percentile, and a histogram.
    @Sendable func stays(_ request: Request, context: some RequestContext) async throws -> Response {
        let facility = try IDParameter.path("facility_id", context)
        let range = try TimeRange(query: request.uri.queryParameters)
        _ = try await facilityRow(facility)
        let bounds: [PGValue] = [.text(facility), .timestamp(range.from.microseconds), .timestamp(range.to.microseconds)]
        let summary = try await pool.query(
            """
            SELECT count(*), avg(duration_seconds)::float8,
                   percentile_disc(0.5) WITHIN GROUP (ORDER BY duration_seconds),
                   percentile_disc(0.9) WITHIN GROUP (ORDER BY duration_seconds)
            FROM \(placement[ParkingTables.stays]) WHERE facility_id = $1 AND ended_at >= $2 AND ended_at < $3
            """, bounds)
        let buckets = try await pool.query(
            """
            SELECT width_bucket(duration_seconds, $4::bigint[]) AS b, count(*)
            FROM \(placement[ParkingTables.stays]) WHERE facility_id = $1 AND ended_at >= $2 AND ended_at < $3
            GROUP BY b ORDER BY b
            """, bounds + [.intArray(Self.stayEdges)])
        var counts = [Int64](repeating: 0, count: Self.stayEdges.count)
        for row in 0..<buckets.rowCount {
            guard let b = try buckets.int(row, 0), b >= 1, b <= Int64(counts.count) else { continue }
            counts[Int(b) - 1] = try buckets.int(row, 1) ?? 0
        }
        var json = JSONWriter(capacity: 1024)
        json.beginObject()
        json.key("facility_id"); json.string(facility)
        json.key("from"); json.timestamp(range.from)
        json.key("to"); json.timestamp(range.to)
        json.key("stays"); json.int(try summary.int(0, 0) ?? 0)
        json.key("mean_seconds"); json.optional(try summary.double(0, 1))
        json.key("median_seconds"); json.optional(try summary.int(0, 2))
        json.key("p90_seconds"); json.optional(try summary.int(0, 3))
        json.key("histogram"); json.beginArray()
        for (i, edge) in Self.stayEdges.enumerated() {
            json.beginObject()
            json.key("from_seconds"); json.int(edge)
            json.key("to_seconds"); json.optional(i + 1 < Self.stayEdges.count ? Self.stayEdges[i + 1] : nil)
            json.key("stays"); json.int(counts[i])
            json.endObject()
        }
        json.endArray()
        json.endObject()
        return .json(json)
    }
}
