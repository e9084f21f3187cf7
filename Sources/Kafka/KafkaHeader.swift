/// A Kafka record header. Kafka allows duplicate keys and null values, so this is not a dictionary entry.
public struct KafkaHeader: Sendable, Hashable {
    public var key: String
    /// nil is a null header value, distinct from an empty one.
    public var value: [UInt8]?

    public init(key: String, value: [UInt8]?) {
        self.key = key
        self.value = value
    }
}
