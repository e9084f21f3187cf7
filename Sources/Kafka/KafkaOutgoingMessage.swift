/// A record to produce.
public struct KafkaOutgoingMessage: Sendable, Hashable {
    public var topic: String
    /// Partitioning key; with no explicit `partition` the configured partitioner hashes it.
    public var key: [UInt8]?
    public var value: [UInt8]
    public var headers: [KafkaHeader]
    /// Explicit partition; nil lets the partitioner choose (`RD_KAFKA_PARTITION_UA`).
    public var partition: Int32?
    /// CreateTime in milliseconds since the epoch; nil means "now".
    public var timestampMs: Int64?

    public init(
        topic: String, key: [UInt8]? = nil, value: [UInt8], headers: [KafkaHeader] = [], partition: Int32? = nil,
        timestampMs: Int64? = nil
    ) {
        self.topic = topic
        self.key = key
        self.value = value
        self.headers = headers
        self.partition = partition
        self.timestampMs = timestampMs
    }
}
