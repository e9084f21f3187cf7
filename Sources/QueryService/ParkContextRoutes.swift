import APIDescription
import Events
import Hummingbird
import Postgres
import Projections

/// The read endpoint of `parks_attraction_context`: `GET /v1/parks/{park}/context`, what the wait forecasts of
/// the park's attractions know about it: its attractions, its recent schedules and its recent and coming
/// weather reports (each with when it was fetched).
public struct ParkContextRoutes: ReadRoutes {
    let store: any ParkContextReading

    public init(pool: PGPool, tables: any TableNaming) { store = ParkContextReadStore(pool: pool, placement: tables) }

    init(store: any ParkContextReading) { self.store = store }

    public var operations: [APIOperation] {
        [
            APIOperation(
                "GET", "/v1/parks/{park_id}/context", id: "getParkContext",
                summary: "What the park's wait forecasts know of it: attractions, recent schedules, weather reports.", tag: "parks",
                parameters: [.id("park_id", "The park's id", example: "sim-1")], response: .object([("park_id", .string), ("context", .any)])),
        ]
    }

    public func add<Context: RequestContext>(to router: Router<Context>) {
        router.get("/v1/parks/:park_id/context", use: context)
    }

    @Sendable func context(_ request: Request, context: some RequestContext) async throws -> Response {
        let park = try IDParameter.path("park_id", context)
        guard let state = try await store.state(park: park) else { throw QueryError.unknownPark(park) }
        var json = JSONWriter(capacity: 64 + state.count)
        json.beginObject()
        json.key("park_id"); json.string(park)
        json.key("context"); json.raw(state)
        json.endObject()
        return .json(json)
    }
}

/// What the context route needs from storage.
protocol ParkContextReading: Sendable {
    /// The park's context state as stored (JSON), nil when the park is unknown.
    func state(park: String) async throws -> [UInt8]?
}

/// `ParkContextReading` over `park_context` at a placement.
struct ParkContextReadStore: ParkContextReading {
    let pool: PGPool
    let placement: any TableNaming

    func state(park: String) async throws -> [UInt8]? {
        let r = try await pool.query("SELECT state::text FROM \(placement[ParkContextTables.state]) WHERE park_id = $1", [.text(park)])
        return r.rowCount == 1 ? r.string(0, 0).map { Array($0.utf8) } : nil
    }
}
