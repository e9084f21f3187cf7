/// Why an event was rejected. `field` names the offending field (a JSON path like `payload.wait_minutes`),
/// so ingest can answer 4xx naming it and the dead-letter topic can say what to fix.
public struct EventValidationError: Error, Sendable, Equatable, CustomStringConvertible {
    public var field: String
    public var reason: String

    public init(field: String, reason: String) {
        self.field = field
        self.reason = reason
    }

    public var description: String { field.isEmpty ? reason : "\(field): \(reason)" }

    /// A document that is not valid JSON, named by the member the error is in.
    public init(_ error: JSONParseError) {
        self.init(field: error.field, reason: error.description)
    }
}
