import Hummingbird
import Postgres
import Projections

/// The HTTP read API: the operational endpoints (`OperationsRoutes`) and the read routes of every projection
/// (each projection's definition makes its own `ReadRoutes`), mounted on one router behind the JSON error
/// middleware.
///
/// Everything it needs is injected, so the CLI wires the registered projections, the real pool, broker check
/// and Prometheus registry, and tests wire their own.
public struct QueryService: Sendable {
    /// Named checks (e.g. `database`, `broker`); ready when all are true.
    public typealias ReadinessCheck = @Sendable () async -> [String: Bool]
    /// Prometheus text exposition of the process's metrics.
    public typealias MetricsExporter = @Sendable () async -> String

    let operations: OperationsRoutes
    let routes: [any ReadRoutes]

    public init(routes: [any ReadRoutes], readiness: @escaping ReadinessCheck, metrics: @escaping MetricsExporter) {
        self.operations = OperationsRoutes(readiness: readiness, metrics: metrics)
        self.routes = routes
    }

    /// Registers the endpoints on `router`.
    ///
    /// Also adds the JSON error middleware first, so that these routes, the routes added after them and
    /// unknown routes all answer errors as JSON.
    public func addRoutes<Context: RequestContext>(to router: Router<Context>) {
        router.add(middleware: JSONErrorMiddleware<Context>())
        operations.add(to: router)
        for collection in routes { collection.add(to: router) }
    }
}
