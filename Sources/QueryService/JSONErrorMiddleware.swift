import APIDescription
import Hummingbird
import Logging
import Postgres

/// Turns every failure into the service's JSON error shape.
///
/// `QueryError`s pass through; Hummingbird's own errors (unknown route, bad path) keep their status with
/// a JSON body; database failures become 503 when retrying later can help, and anything else a bare 500.
/// Details go to the log, never to the client. A method the API does not have on a path it has is a 405 with
/// `Allow` (from the API's description, `methods`), not a 404.
struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Path template → its methods.
    let methods: [String: [String]]
    private let templates: APIPathTemplates

    init(methods: [String: [String]] = [:]) {
        self.methods = methods
        templates = APIPathTemplates(methods.keys)
    }

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as QueryError {
            throw error
        } catch let error as any HTTPResponseError {
            if error.status == .notFound, let template = templates.match(request.uri.path),
               let allowed = methods[template], !allowed.contains(request.method.rawValue) {
                let refusal = QueryError(
                    status: .methodNotAllowed, code: "method_not_allowed",
                    message: "\(request.method.rawValue) is not allowed on \(template): use \(allowed.joined(separator: ", "))")
                var response = try refusal.response(from: request, context: context)
                response.headers[.allow] = allowed.joined(separator: ", ")
                return response
            }
            throw Self.translate(error, request: request)
        } catch let error as PGError {
            throw Self.translate(error, logger: context.logger)
        } catch let error as CancellationError {
            throw error
        } catch {
            context.logger.error("query failed", metadata: ["error": "\(error)"])
            throw QueryError.internal("the request failed unexpectedly; the server log has the details")
        }
    }

    static func translate(_ error: any HTTPResponseError, request: Request) -> QueryError {
        switch error.status {
        case .notFound:
            return .notFound("no such endpoint: \(request.method.rawValue) \(request.uri.path)")
        default:
            let message = (error as? HTTPError)?.body ?? error.status.reasonPhrase
            let code = error.status.code < 500 ? "bad_request" : "internal"
            return QueryError(status: error.status, code: code, message: message)
        }
    }

    static func translate(_ error: PGError, logger: Logger) -> QueryError {
        if isTransient(error) {
            logger.warning("database unavailable", metadata: ["error": "\(error)"])
            return .unavailable("the database is unavailable; retry later")
        }
        logger.error("database query failed", metadata: ["error": "\(error)"])
        return .internal("the database query failed; the server log has the details")
    }

    /// What the processor retries too (`PGError.isTransient`: lost connections, conflicts, a full server,
    /// timeouts), plus a server shutting down and tables not migrated yet: worth a retry by the client.
    static func isTransient(_ error: PGError) -> Bool {
        if error.isTransient { return true }
        guard let state = error.sqlState else { return false }
        return state.hasPrefix("57") || state == "42P01"
    }
}
