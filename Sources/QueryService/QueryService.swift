import Events
import Hummingbird
import Logging
import Postgres
import Projections

/// The HTTP read API over the parks projections, plus the operational endpoints (health, readiness,
/// metrics).
///
/// Everything it needs is injected, so the CLI wires the real pool, broker check and Prometheus registry,
/// and tests wire their own.
public struct QueryService: Sendable {
    /// Named checks (e.g. `database`, `broker`); ready when all are true.
    public typealias ReadinessCheck = @Sendable () async -> [String: Bool]
    /// Prometheus text exposition of the process's metrics.
    public typealias MetricsExporter = @Sendable () async -> String

    /// Most crowd samples one history answer holds.
    static let maxCrowdSamples = 10_000
    /// Longest id accepted in a path or query: the longest id an event may carry, so anything longer cannot be one.
    static let maxIDLength = TextRules.maxIdentifierBytes

    let store: ParksReadStore
    let motorsport: MotorsportRoutes
    let parking: ParkingRoutes
    let readiness: ReadinessCheck
    let metrics: MetricsExporter

    public init(
        pool: PGPool, tables: ParksTables = ParksTables(), motorsportTables: MotorsportTables = MotorsportTables(),
        parkingTables: ParkingTables = ParkingTables(), readiness: @escaping ReadinessCheck, metrics: @escaping MetricsExporter
    ) {
        self.init(
            store: ParksReadStore(pool: pool, tables: tables), motorsport: MotorsportRoutes(pool: pool, tables: motorsportTables),
            parking: ParkingRoutes(pool: pool, tables: parkingTables), readiness: readiness, metrics: metrics)
    }

    init(
        store: ParksReadStore, motorsport: MotorsportRoutes, parking: ParkingRoutes, readiness: @escaping ReadinessCheck,
        metrics: @escaping MetricsExporter
    ) {
        self.store = store
        self.motorsport = motorsport
        self.parking = parking
        self.readiness = readiness
        self.metrics = metrics
    }

    /// Registers the endpoints on `router`.
    ///
    /// Also adds the JSON error middleware first, so that these routes, the routes added after them and
    /// unknown routes all answer errors as JSON.
    public func addRoutes<Context: RequestContext>(to router: Router<Context>) {
        router.add(middleware: JSONErrorMiddleware<Context>())
        router.get("/health", use: health)
        router.get("/ready", use: ready)
        router.get("/metrics", use: metricsText)
        router.group("/v1/parks/:park_id")
            .get("waits", use: waits)
            .get("attractions/:attraction_id/history", use: waitHistory)
            .get("baselines", use: baselines)
            .get("crowd", use: crowd)
            .get("crowd/history", use: crowdHistory)
        motorsport.add(to: router)
        parking.add(to: router)
    }

    // MARK: - Operations

    /// Liveness: answers without I/O, so a slow database never gets the process restarted.
    @Sendable func health(_ request: Request, context: some RequestContext) -> Response {
        var json = JSONWriter(capacity: 16)
        json.beginObject()
        json.key("status")
        json.string("ok")
        json.endObject()
        return .json(json)
    }

    @Sendable func ready(_ request: Request, context: some RequestContext) async -> Response {
        let checks = await readiness()
        let ready = checks.values.allSatisfy { $0 }
        var json = JSONWriter()
        json.beginObject()
        json.key("status")
        json.string(ready ? "ready" : "not_ready")
        json.key("checks")
        json.beginObject()
        for name in checks.keys.sorted() {
            json.key(name)
            json.bool(checks[name] ?? false)
        }
        json.endObject()
        json.endObject()
        return .json(json, status: ready ? .ok : .serviceUnavailable)
    }

    @Sendable func metricsText(_ request: Request, context: some RequestContext) async -> Response {
        Response(
            status: .ok,
            headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: await metrics())))
    }

    // MARK: - Waits

    @Sendable func waits(_ request: Request, context: some RequestContext) async throws -> Response {
        let park = try Self.pathID("park_id", context)
        let attractions = try await store.currentWaits(park: park)
        guard !attractions.isEmpty else { throw Self.unknownPark(park) }
        var json = JSONWriter(capacity: 128 + attractions.count * 192)
        json.beginObject()
        json.key("park_id")
        json.string(park)
        json.key("attractions")
        json.beginArray()
        for attraction in attractions { attraction.write(to: &json) }
        json.endArray()
        json.endObject()
        return .json(json)
    }

    @Sendable func waitHistory(_ request: Request, context: some RequestContext) async throws -> Response {
        let park = try Self.pathID("park_id", context)
        let attraction = try Self.pathID("attraction_id", context)
        let query = request.uri.queryParameters
        let range = try TimeRange(query: query)
        let interval = try BucketInterval(query: query)
        try interval.check(range)
        switch try await store.presence(park: park, attraction: attraction) {
        case .unknownPark: throw Self.unknownPark(park)
        case .unknownAttraction: throw Self.unknownAttraction(attraction, park: park)
        case .known: break
        }
        let buckets = try await store.waitHistory(park: park, attraction: attraction, range: range, interval: interval)
        var json = JSONWriter(capacity: 256 + buckets.count * 160)
        json.beginObject()
        json.key("park_id")
        json.string(park)
        json.key("attraction_id")
        json.string(attraction)
        json.key("from")
        json.timestamp(range.from)
        json.key("to")
        json.timestamp(range.to)
        json.key("interval")
        json.string(interval.text)
        json.key("buckets")
        json.beginArray()
        for bucket in buckets { bucket.write(to: &json) }
        json.endArray()
        json.endObject()
        return .json(json)
    }

    @Sendable func baselines(_ request: Request, context: some RequestContext) async throws -> Response {
        let park = try Self.pathID("park_id", context)
        let attraction = try Self.queryID("attraction_id", request)
        let baselines = try await store.baselines(park: park, attraction: attraction)
        if baselines.isEmpty {
            // No baselines yet is a valid answer for a known park/attraction; an unknown id is not.
            if let attraction {
                switch try await store.presence(park: park, attraction: attraction) {
                case .unknownPark: throw Self.unknownPark(park)
                case .unknownAttraction: throw Self.unknownAttraction(attraction, park: park)
                case .known: break
                }
            } else if !(try await store.parkExists(park)) {
                throw Self.unknownPark(park)
            }
        }
        var json = JSONWriter(capacity: 128 + baselines.count * 128)
        json.beginObject()
        json.key("park_id")
        json.string(park)
        json.key("baselines")
        json.beginArray()
        for baseline in baselines { baseline.write(to: &json) }
        json.endArray()
        json.endObject()
        return .json(json)
    }

    // MARK: - Crowd

    @Sendable func crowd(_ request: Request, context: some RequestContext) async throws -> Response {
        let park = try Self.pathID("park_id", context)
        guard let crowd = try await store.crowdNow(park: park) else {
            if try await store.parkExists(park) {
                throw QueryError.notFound("park '\(park)' has no crowd level yet", field: "park_id")
            }
            throw Self.unknownPark(park)
        }
        var json = JSONWriter(capacity: 192)
        crowd.write(to: &json)
        return .json(json)
    }

    @Sendable func crowdHistory(_ request: Request, context: some RequestContext) async throws -> Response {
        let park = try Self.pathID("park_id", context)
        let range = try TimeRange(query: request.uri.queryParameters)
        // One extra row tells whether the limit cut the answer short.
        var samples = try await store.crowdHistory(park: park, range: range, limit: Self.maxCrowdSamples + 1)
        if samples.isEmpty, !(try await store.parkExists(park)) { throw Self.unknownPark(park) }
        let truncated = samples.count > Self.maxCrowdSamples
        if truncated { samples.removeLast(samples.count - Self.maxCrowdSamples) }
        var json = JSONWriter(capacity: 256 + samples.count * 160)
        json.beginObject()
        json.key("park_id")
        json.string(park)
        json.key("from")
        json.timestamp(range.from)
        json.key("to")
        json.timestamp(range.to)
        json.key("samples")
        json.beginArray()
        for sample in samples { sample.write(to: &json) }
        json.endArray()
        // True when more samples exist: query again from the last sample's time.
        json.key("truncated")
        json.bool(truncated)
        json.endObject()
        return .json(json)
    }

    // MARK: - Parameters and errors

    /// A path parameter, percent-decoded (the router hands them over as sent): any id ingest accepts, `/`
    /// or spaces or any other character in it, can be asked for as `%2F`, `%20`, ….
    static func pathID(_ name: String, _ context: some RequestContext) throws(QueryError) -> String {
        guard let raw = context.parameters.get(name) else { return try validID(name, nil) }
        guard let decoded = PercentDecoding.decode(raw) else {
            throw .invalidParameter(name, "'\(name)' is not valid percent-encoded UTF-8")
        }
        return try validID(name, decoded)
    }

    /// An optional id from the query string: absent is nil, present but empty is an error.
    static func queryID(_ name: String, _ request: Request) throws(QueryError) -> String? {
        guard let value = request.uri.queryParameters.get(name) else { return nil }
        return try validID(name, value)
    }

    private static func validID(_ name: String, _ value: String?) throws(QueryError) -> String {
        guard let value, !value.isEmpty else {
            throw .invalidParameter(name, "'\(name)' must not be empty")
        }
        guard value.utf8.count <= maxIDLength else {
            throw .invalidParameter(name, "'\(name)' is longer than \(maxIDLength) bytes")
        }
        do {
            try TextRules.check(value, field: name, maxBytes: maxIDLength)
        } catch {
            throw .invalidParameter(name, "'\(name)' \(error.reason)")
        }
        return value
    }

    static func unknownPark(_ park: String) -> QueryError {
        .notFound("unknown park '\(park)'", field: "park_id")
    }

    static func unknownAttraction(_ attraction: String, park: String) -> QueryError {
        .notFound("unknown attraction '\(attraction)' in park '\(park)'", field: "attraction_id")
    }
}
