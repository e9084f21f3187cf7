/// A typed event body. Each type has a stable name and a schema version; the envelope carries both so
/// a consumer can reject what it does not understand instead of misreading it.
public protocol EventPayload: Sendable, Equatable {
    static var eventType: String { get }
    static var schemaVersion: Int { get }
    /// The partition key: events with the same key stay in order.
    var partitionKey: String { get }
    init(payload: FieldReader) throws(EventValidationError)
    func encode(to writer: inout JSONWriter)
}
