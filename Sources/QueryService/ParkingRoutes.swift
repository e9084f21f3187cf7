import APIDescription
import Events
import Hummingbird
import Postgres
import Projections

/// The read endpoints of `parking_occupancy`: a facility's occupancy now (with levels and zones) and over time, its
/// forecast, active alerts, offline sensors and the distribution of parking stays.
///
/// Table names come from the projections' declarations under a placement; request values travel as statement parameters.
public struct ParkingRoutes: ReadRoutes {
    let store: any ParkingReading

    public init(pool: PGPool, tables: any TableNaming) { store = ParkingReadStore(pool: pool, placement: tables) }

    init(store: any ParkingReading) { self.store = store }

    static let maxAlerts = 1_000
    /// Stay-length histogram edges, seconds: under 15 min, 15–30 min, 30 min–1 h, 1–2 h, 2–4 h, 4–8 h, 8 h and more.
    static let stayEdges: [Int64] = [0, 900, 1_800, 3_600, 7_200, 14_400, 28_800]

    public var operations: [APIOperation] {
        let facility = APIParameter.id("facility_id", "The facility's id", example: "garage-1")
        let bucket = APISchema.object([("time", .dateTime)] + OccupancyCounts.members + [
            ("occupied_min", .integer(minimum: 0)), ("occupied_max", .integer(minimum: 0)),
        ])
        return [
            APIOperation(
                "GET", "/v1/facilities", id: "listFacilities",
                summary: "Every facility, by id: its occupancy totals and threshold state now; next_cursor pages on.",
                tag: "parking", parameters: IDPage.parameters,
                response: IDPage.schema(
                    key: "facilities", row: .reference("FacilityLine", .object([("facility_id", .string)] + FacilitySummary.members)))),
            APIOperation(
                "GET", "/v1/facilities/{facility_id}/occupancy", id: "getOccupancy",
                summary: "The facility's occupancy now, its threshold state, and every level and zone.", tag: "parking",
                parameters: [facility],
                response: .object([("facility_id", .string)] + FacilitySummary.members + [("areas", .array(AreaOccupancyLine.schema))])),
            APIOperation(
                "GET", "/v1/facilities/{facility_id}/occupancy/history", id: "getOccupancyHistory",
                summary: "Occupancy over a time range in buckets (each bucket's end, lowest and highest); level and zone narrow it.",
                tag: "parking",
                parameters: [facility] + APIParameter.timeRange + [
                    .interval, APIParameter("level", in: .query, required: false, schema: .string, "Only this level."),
                    APIParameter("zone", in: .query, required: false, schema: .string, "Only this zone."),
                ],
                response: .object([
                    ("facility_id", .string), ("scope", .enumeration(["facility", "level", "zone"])), ("level", .string), ("zone", .string),
                    ("interval", .string), ("buckets", .array(bucket)),
                ])),
            APIOperation(
                "GET", "/v1/facilities/{facility_id}/forecast", id: "getOccupancyForecast",
                summary: "The newest occupancy forecast: the next hour in 15-minute steps.", tag: "parking", parameters: [facility],
                response: .object([("facility_id", .string), ("issued_at", .nullable(.dateTime)), ("steps", .array(ForecastStep.schema))])),
            APIOperation(
                "GET", "/v1/facilities/{facility_id}/alerts", id: "getAlerts",
                summary: "What is wrong now (threshold, offline sensors) and the alerts raised after since, newest first; next_cursor pages to older ones.",
                tag: "parking", parameters: [facility, .cursor, .since, .limit(default: Self.maxAlerts, range: 1...Self.maxAlerts)],
                response: .object([
                    ("facility_id", .string),
                    ("active", .object([
                        ("above_threshold", .boolean), ("threshold_changed_at", .nullable(.dateTime)),
                        ("offline_sensors", .array(SensorLine.schema)),
                    ])),
                    ("raised", .array(.any)), ("truncated", .boolean), ("next_cursor", .nullable(.string)),
                ])),
            APIOperation(
                "GET", "/v1/facilities/{facility_id}/sensors/offline", id: "getOfflineSensors", summary: "The facility's offline sensors.",
                tag: "parking", parameters: [facility], response: .object([("facility_id", .string), ("sensors", .array(SensorLine.schema))])),
            APIOperation(
                "GET", "/v1/facilities/{facility_id}/stays", id: "getStays",
                summary: "Stays that ended in the range: count, mean, median, 90th percentile and a histogram.", tag: "parking",
                parameters: [facility] + APIParameter.timeRange,
                response: .object([
                    ("facility_id", .string), ("from", .dateTime), ("to", .dateTime), ("stays", .integer(minimum: 0)),
                    ("mean_seconds", .nullable(.number(minimum: 0))), ("median_seconds", .nullable(.integer(minimum: 0))),
                    ("p90_seconds", .nullable(.integer(minimum: 0))),
                    ("histogram", .array(.object([
                        ("from_seconds", .integer(minimum: 0)), ("to_seconds", .nullable(.integer(minimum: 0))), ("stays", .integer(minimum: 0)),
                    ]))),
                ])),
        ]
    }

    public func add<Context: RequestContext>(to router: Router<Context>) {
        router.get("/v1/facilities", use: facilities)
        router.group("/v1/facilities/:facility_id")
            .get("occupancy", use: occupancy)
            .get("occupancy/history", use: history)
            .get("forecast", use: forecast)
            .get("alerts", use: alerts)
            .get("sensors/offline", use: offlineSensors)
            .get("stays", use: stays)
    }

    @Sendable func facilities(_ request: Request, context: some RequestContext) async throws -> Response {
        let page = try IDPage(query: request.uri.queryParameters)
        return page.answer(key: "facilities", try await store.facilities(page), id: \.id, bytesPerRow: 320) { line, json in
            json.beginObject()
            json.key("facility_id"); json.string(line.id)
            line.summary.writeFields(to: &json)
            json.endObject()
        }
    }

    /// Now: the facility's totals, threshold state and every level and zone.
    @Sendable func occupancy(_ request: Request, context: some RequestContext) async throws -> Response {
        let facility = try IDParameter.path("facility_id", context)
        let summary = try await requireFacility(facility)
        let areas = try await store.areas(facility)
        return .list(
            idName: "facility_id", id: facility, key: "areas", areas, bytesPerRow: 160, extra: { summary.writeFields(to: &$0) },
            write: { $0.write(to: &$1) })
    }

    /// The facility's summary; 404 when the facility is unknown.
    func requireFacility(_ facility: String) async throws -> FacilitySummary {
        guard let summary = try await store.facility(facility) else {
            throw QueryError.notFound("unknown facility '\(facility)'", field: "facility_id")
        }
        return summary
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
        _ = try await requireFacility(facility)
        guard try await store.areaExists(facility, scope: scope, level: level, zone: zone ?? "") else {
            throw QueryError.notFound(
                "facility '\(facility)' has no \(scope.rawValue) '\([level, zone ?? ""].filter { !$0.isEmpty }.joined(separator: "/"))'",
                field: zone != nil ? "zone" : "level")
        }
        let width = interval.seconds, origin = BucketInterval.originSeconds
        let changes = try await store.occupancyChanges(facility, scope: scope, level: level, zone: zone ?? "", range: range, width: width)
        var last = try await store.occupancy(facility, scope: scope, level: level, zone: zone ?? "", before: range.from)
        let byBucket = Dictionary(changes.map { ($0.bucket, $0) }, uniquingKeysWith: { a, _ in a })
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
            if let change = byBucket[b] {
                // The bucket spans from the occupancy before its first change to each change within it.
                lowHigh = (min(change.occupiedMin, last?.occupied ?? change.occupiedMin), max(change.occupiedMax, last?.occupied ?? change.occupiedMax))
                last = change.last
            } else {
                lowHigh = last.map { ($0.occupied, $0.occupied) }
            }
            // Before the first known occupancy there is nothing to say about a bucket.
            guard let now = last, let (low, high) = lowHigh else { continue }
            json.beginObject()
            json.key("time"); json.timestamp(Timestamp(seconds: b * width + origin))
            now.writeFields(to: &json)
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
        _ = try await requireFacility(facility)
        let steps = try await store.forecast(facility)
        return .list(
            idName: "facility_id", id: facility, key: "steps", steps, bytesPerRow: 80,
            extra: { json in json.key("issued_at"); json.optional(steps.first?.issuedAt) }, write: { $0.write(to: &$1) })
    }

    /// What is wrong now (threshold crossed, sensors offline) and the alerts raised since `since`.
    @Sendable func alerts(_ request: Request, context: some RequestContext) async throws -> Response {
        let facility = try IDParameter.path("facility_id", context)
        let query = request.uri.queryParameters
        let since = try ListParameters.since(query)
        let cursor = try ListCursor.query(query)
        let limit = try ListParameters.limit(query, default: Self.maxAlerts, range: 1...Self.maxAlerts)
        let summary = try await requireFacility(facility)
        let offline = try await store.offlineSensors(facility)
        // One more than asked says whether older ones follow.
        var raised = try await store.alerts(facility, before: cursor, since: since, limit: limit + 1)
        let truncated = raised.count > limit
        if truncated { raised.removeLast(raised.count - limit) }
        var json = JSONWriter(capacity: 512 + offline.count * 200 + raised.count * 400)
        json.beginObject()
        json.key("facility_id"); json.string(facility)
        json.key("active"); json.beginObject()
        json.key("above_threshold"); json.bool(summary.aboveThreshold)
        json.key("threshold_changed_at"); json.optional(summary.thresholdChangedAt)
        json.key("offline_sensors"); json.beginArray()
        for sensor in offline { sensor.write(to: &json) }
        json.endArray()
        json.endObject()
        json.key("raised"); json.beginArray()
        for event in raised { json.raw(Array(event.json.utf8)) }
        json.endArray()
        json.key("truncated"); json.bool(truncated)
        // Older alerts go on from the oldest given.
        json.key("next_cursor"); json.optional(truncated ? raised.last?.position.text : nil)
        json.endObject()
        return .json(json)
    }

    @Sendable func offlineSensors(_ request: Request, context: some RequestContext) async throws -> Response {
        let facility = try IDParameter.path("facility_id", context)
        _ = try await requireFacility(facility)
        let sensors = try await store.offlineSensors(facility)
        return .list(idName: "facility_id", id: facility, key: "sensors", sensors, bytesPerRow: 200) { $0.write(to: &$1) }
    }

    /// Stays that ended in `[from, to)`: count, mean, exact median and 90th percentile, and a histogram.
    @Sendable func stays(_ request: Request, context: some RequestContext) async throws -> Response {
        let facility = try IDParameter.path("facility_id", context)
        let range = try TimeRange(query: request.uri.queryParameters)
        _ = try await requireFacility(facility)
        let stats = try await store.stays(facility, range: range, edges: Self.stayEdges)
        var json = JSONWriter(capacity: 1024)
        json.beginObject()
        json.key("facility_id"); json.string(facility)
        json.key("from"); json.timestamp(range.from)
        json.key("to"); json.timestamp(range.to)
        json.key("stays"); json.int(stats.count)
        json.key("mean_seconds"); json.optional(stats.meanSeconds)
        json.key("median_seconds"); json.optional(stats.medianSeconds)
        json.key("p90_seconds"); json.optional(stats.p90Seconds)
        json.key("histogram"); json.beginArray()
        for (i, edge) in Self.stayEdges.enumerated() {
            json.beginObject()
            json.key("from_seconds"); json.int(edge)
            json.key("to_seconds"); json.optional(i + 1 < Self.stayEdges.count ? Self.stayEdges[i + 1] : nil)
            json.key("stays"); json.int(i < stats.histogram.count ? stats.histogram[i] : 0)
            json.endObject()
        }
        json.endArray()
        json.endObject()
        return .json(json)
    }
}
