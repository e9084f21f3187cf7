import Hummingbird
import Postgres
import Projections

/// The HTTP read API: each domain's routes (`ParksRoutes`, `MotorsportRoutes`, `ParkingRoutes`) and the
/// operational endpoints (`OperationsRoutes`), mounted on one router behind the JSON error middleware.
///
/// Everything it needs is injected, so the CLI wires the real pool, broker check and Prometheus registry,
/// and tests wire their own.
public struct QueryService: Sendable {
    /// Named checks (e.g. `database`, `broker`); ready when all are true.
    public typealias ReadinessCheck = @Sendable () async -> [String: Bool]
    /// Prometheus text exposition of the process's metrics.
    public typealias MetricsExporter = @Sendable () async -> String

    let operations: OperationsRoutes
    let parks: ParksRoutes
    let motorsport: MotorsportRoutes
    let parking: ParkingRoutes

    public init(
        pool: PGPool, placement: TablePlacement = .live, readiness: @escaping ReadinessCheck,
        metrics: @escaping MetricsExporter
    ) {
        self.init(
            store: ParksReadStore(pool: pool, placement: placement), motorsport: MotorsportRoutes(pool: pool, placement: placement),
            parking: ParkingRoutes(pool: pool, placement: placement), readiness: readiness, metrics: metrics)
    }

    init(
        store: ParksReadStore, motorsport: MotorsportRoutes, parking: ParkingRoutes, readiness: @escaping ReadinessCheck,
        metrics: @escaping MetricsExporter
    ) {
        self.operations = OperationsRoutes(readiness: readiness, metrics: metrics)
        self.parks = ParksRoutes(store: store)
        self.motorsport = motorsport
        self.parking = parking
    }

    /// Registers the endpoints on `router`.
    ///
    /// Also adds the JSON error middleware first, so that these routes, the routes added after them and
    /// unknown routes all answer errors as JSON.
    public func addRoutes<Context: RequestContext>(to router: Router<Context>) {
        router.add(middleware: JSONErrorMiddleware<Context>())
        operations.add(to: router)
        parks.add(to: router)
        motorsport.add(to: router)
        parking.add(to: router)
    }
}
