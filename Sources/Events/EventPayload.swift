/// A typed event body. Each type has a stable name and a schema version; the envelope carries both so
/// a consumer can reject what it does not understand instead of misreading it.
public protocol EventPayload: Sendable, Equatable {
    static var eventType: String { get }
    static var schemaVersion: Int { get }
    /// The partition key: events with the same key stay in order.
    var partitionKey: String { get }
    init(payload: FieldReader) throws(EventValidationError)
    /// Reads the payload straight from its JSON bytes (the hot path, no tree), or nil when anything is not
    /// plainly valid: the caller then reads the tree with `init(payload:)`, whose errors name the field. When it
    /// gives a value, it must be the one `init(payload:)` gives. Types without a byte reader say nil.
    init?(payloadBytes: PayloadBytes)
    func encode(to writer: inout JSONWriter)
}

extension EventPayload {
    public init?(payloadBytes: PayloadBytes) { return nil }
}
