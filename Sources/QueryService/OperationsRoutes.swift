import APIDescription
import Events
import Hummingbird

/// The operational endpoints: `/health` (liveness, no I/O), `/ready` (named checks: database, broker, and
/// with `serve --process` every projection worker and the relay) and `/metrics` (Prometheus text).
struct OperationsRoutes: Sendable {
    let readiness: QueryService.ReadinessCheck
    let metrics: QueryService.MetricsExporter

    var operations: [APIOperation] {
        let ready = APISchema.object([("status", .enumeration(["ready", "not_ready"])), ("checks", .map(.boolean))])
        var readiness = APIOperation(
            "GET", "/ready", id: "getReadiness", summary: "Readiness: each named check (database, broker, workers) and whether all pass.",
            tag: "operations", response: ready, errors: [])
        readiness.otherResponses = [(503, ready)]
        var metrics = APIOperation(
            "GET", "/metrics", id: "getMetrics", summary: "Prometheus text exposition of the process's metrics.", tag: "operations",
            response: nil, errors: [])
        metrics.responseContentType = "text/plain"
        return [
            APIOperation(
                "GET", "/health", id: "getHealth", summary: "Liveness: answers without I/O.", tag: "operations",
                response: .object([("status", .enumeration(["ok"]))]), errors: []),
            readiness, metrics,
        ]
    }

    func add<Context: RequestContext>(to router: Router<Context>) {
        router.get("/health", use: health)
        router.get("/ready", use: ready)
        router.get("/metrics", use: metricsText)
    }

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
}
