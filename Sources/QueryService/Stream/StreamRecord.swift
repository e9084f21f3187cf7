import Events

/// One record of a streamed topic, as the stream forwards it: where it is in the log, what it is about (the
/// first segment of its key), its event type (the record's `turnstile.type` header) and its value, the event's
/// envelope as the projection published it.
public struct StreamRecord: Sendable {
    public let topic: Topic
    /// Which filter its subject answers to (worked out once, not per client).
    public let scope: StreamScope
    public let partition: Int32
    public let offset: Int64
    /// The park, session or facility (the key up to its first `/`).
    public let subject: String
    public let type: String
    public let value: [UInt8]

    public init(topic: Topic, partition: Int32, offset: Int64, subject: String, type: String, value: [UInt8]) {
        self.topic = topic
        self.scope = StreamScope(topic)
        self.partition = partition
        self.offset = offset
        self.subject = subject
        self.type = type
        self.value = value
    }

    /// The subject a record key names: its first segment.
    public static func subject(ofKey key: some Collection<UInt8>) -> String {
        let end = key.firstIndex(of: UInt8(ascii: "/")) ?? key.endIndex
        return String(decoding: key[key.startIndex..<end], as: UTF8.self)
    }
}
