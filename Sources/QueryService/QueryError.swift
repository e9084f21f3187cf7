import Events
import Hummingbird

/// An error answer in the service's one JSON shape: `{"error":{"code","message","field"}}`.
///
/// Handlers throw it; Hummingbird turns any `HTTPResponseError` into its response, so the message the
/// client sees is exactly the one written here (never an internal error description).
public struct QueryError: HTTPResponseError, Sendable, CustomStringConvertible {
    public var status: HTTPResponse.Status
    /// Stable, machine-readable: `invalid_parameter`, `not_found`, `unavailable`, `internal`.
    public var code: String
    public var message: String
    /// The request parameter at fault, when there is one.
    public var field: String?

    public init(status: HTTPResponse.Status, code: String, message: String, field: String? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field
    }

    static func invalidParameter(_ field: String, _ message: String) -> QueryError {
        QueryError(status: .badRequest, code: "invalid_parameter", message: message, field: field)
    }

    static func notFound(_ message: String, field: String? = nil) -> QueryError {
        QueryError(status: .notFound, code: "not_found", message: message, field: field)
    }

    static func unknownPark(_ park: String) -> QueryError {
        .notFound("unknown park '\(park)'", field: "park_id")
    }

    static func unknownAttraction(_ attraction: String, park: String) -> QueryError {
        .notFound("unknown attraction '\(attraction)' in park '\(park)'", field: "attraction_id")
    }

    static func unknownSession(_ session: String) -> QueryError {
        .notFound("unknown session '\(session)'", field: "session_id")
    }

    static func unavailable(_ message: String) -> QueryError {
        QueryError(status: .serviceUnavailable, code: "unavailable", message: message)
    }

    static func `internal`(_ message: String) -> QueryError {
        QueryError(status: .internalServerError, code: "internal", message: message)
    }

    public var description: String { "\(status.code) \(code): \(message)" }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var json = JSONWriter(capacity: 128 + message.utf8.count)
        json.beginObject()
        json.key("error")
        json.beginObject()
        json.key("code")
        json.string(code)
        json.key("message")
        json.string(message)
        json.key("field")
        json.optional(field)
        json.endObject()
        json.endObject()
        return Response.json(json, status: status)
    }
}
