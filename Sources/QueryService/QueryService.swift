import APIDescription
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
    /// The API's description: every operation of these routes, of the operational ones, of `/openapi.json` itself,
    /// and `otherOperations` (what the same server registers besides, such as HTTP ingest).
    public let document: APIDocument

    public init(
        routes: [any ReadRoutes], otherOperations: [APIOperation] = [], readiness: @escaping ReadinessCheck,
        metrics: @escaping MetricsExporter, version: String = "1.0.0"
    ) {
        self.operations = OperationsRoutes(readiness: readiness, metrics: metrics)
        self.routes = routes
        let openAPI = APIOperation(
            "GET", "/openapi.json", id: "getOpenAPI", summary: "This document: the API in OpenAPI 3.1.", tag: "operations", response: .any, errors: [])
        // A projection's GETs are answered conditionally (`ConditionalGETMiddleware`).
        let read = routes.flatMap { collection in
            collection.operations.map { op in
                var op = op
                op.conditional = collection.freshness != nil && op.method == "GET"
                return op
            }
        }
        document = APIDocument(version: version, operations: operations.operations + [openAPI] + read + otherOperations)
    }

    /// Registers the endpoints on `router`.
    ///
    /// Also adds the JSON error middleware first, so that these routes, the routes added after them and
    /// unknown routes all answer errors as JSON.
    public func addRoutes<Context: RequestContext>(to router: Router<Context>) {
        router.add(middleware: JSONErrorMiddleware<Context>(
            methods: Dictionary(document.operations.map { ($0.path, [$0.method]) }, uniquingKeysWith: +)))
        // Conditional GETs of every projection's routes, answered before a handler reads a table.
        var cached: [String: ProjectionFreshness] = [:]
        for collection in routes {
            guard let freshness = collection.freshness else { continue }
            for op in collection.operations where op.method == "GET" { cached[op.path] = freshness }
        }
        router.add(middleware: ConditionalGETMiddleware<Context>(freshness: cached))
        operations.add(to: router)
        let openAPI = ByteBuffer(bytes: document.json)
        router.get("/openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: ResponseBody(byteBuffer: openAPI))
        }
        for collection in routes { collection.add(to: router) }
    }
}
