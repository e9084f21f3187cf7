import Hummingbird
import NIOCore
import Logging

/// The query service as a Hummingbird application, ready to run in a ServiceLifecycle `ServiceGroup`
/// (it is a `Service`) or to test with HummingbirdTesting's `app.test(.router)`.
public func buildQueryApplication(
    _ service: QueryService, host: String = "127.0.0.1", port: Int = 8080, logger: Logger,
    additionalRoutes: (Router<BasicRequestContext>) -> Void = { _ in },
    onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
) -> Application<RouterResponder<BasicRequestContext>> {
    let router = Router(context: BasicRequestContext.self)
    router.addMiddleware {
        LogRequestsMiddleware(.debug)
        // Request counts and durations per endpoint for whichever metrics backend the process bootstrapped.
        MetricsMiddleware()
    }
    service.addRoutes(to: router)
    // Other apps sharing the port (HTTP ingest) register after the JSON error middleware.
    additionalRoutes(router)
    return Application(
        router: router,
        configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "turnstile-query"),
        onServerRunning: onServerRunning, logger: logger)
}
