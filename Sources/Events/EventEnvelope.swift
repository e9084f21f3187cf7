/// What every event on every topic looks like.
///
/// Wire format (JSON, one object per Kafka record value):
/// `{"id","type","schema_version","source","key","event_time","ingest_time","payload":{…}}`.
public struct EventEnvelope: Sendable, Equatable {
    public var id: String
    public var type: String
    public var schemaVersion: Int
    /// Who produced it: a feed adapter (`queue-times`), the simulator, a processor (derived events).
    public var source: String
    public var key: String
    /// When it happened in the world.
    public var eventTime: Timestamp
    /// When Turnstile first saw it.
    public var ingestTime: Timestamp
    public var payload: JSONValue

    public init(
        id: String, type: String, schemaVersion: Int, source: String, key: String, eventTime: Timestamp,
        ingestTime: Timestamp, payload: JSONValue
    ) {
        self.id = id
        self.type = type
        self.schemaVersion = schemaVersion
        self.source = source
        self.key = key
        self.eventTime = eventTime
        self.ingestTime = ingestTime
        self.payload = payload
    }

    /// Wraps a typed payload.
    public init<P: EventPayload>(
        _ payload: P, id: String = EventID.random(), source: String, eventTime: Timestamp,
        ingestTime: Timestamp = .now()
    ) {
        var w = JSONWriter(capacity: 128)
        payload.encode(to: &w)
        // Our own writer's output always parses.
        let json = (try? JSONParser.parse(w.bytes)) ?? .null
        self.init(
            id: id, type: P.eventType, schemaVersion: P.schemaVersion, source: source, key: payload.partitionKey,
            eventTime: eventTime, ingestTime: ingestTime, payload: json)
    }

    /// Reads the typed payload, checking type and version first.
    public func decode<P: EventPayload>(_: P.Type) throws(EventValidationError) -> P {
        guard type == P.eventType else {
            throw EventValidationError(field: "type", reason: "expected \(P.eventType), got \(type)")
        }
        guard schemaVersion == P.schemaVersion else {
            throw EventValidationError(
                field: "schema_version", reason: "\(type) version \(schemaVersion) is not supported (expected \(P.schemaVersion))")
        }
        return try P(payload: FieldReader(payload, path: "payload"))
    }

    // MARK: Codec

    /// Parses and validates an envelope from JSON bytes.
    public static func decode(_ bytes: UnsafeBufferPointer<UInt8>) throws(EventValidationError) -> EventEnvelope {
        let json: JSONValue
        do {
            json = try JSONParser.parse(bytes)
        } catch {
            throw EventValidationError(field: "", reason: error.description)
        }
        return try EventEnvelope(json: json)
    }

    public static func decode(_ bytes: [UInt8]) throws(EventValidationError) -> EventEnvelope {
        try bytes.withUnsafeBufferPointer { (p) throws(EventValidationError) in try decode(p) }
    }

    /// Validates the envelope fields of a parsed JSON object. `ingest_time` defaults to now and `id` to a
    /// random id when an upstream sends raw events without them; everything else is required.
    public init(json: JSONValue, defaultIngestTime: Timestamp? = nil) throws(EventValidationError) {
        let r = try FieldReader(json)
        let type = try r.string("type")
        let version = try r.int("schema_version")
        guard version >= 1, version <= 1_000 else {
            throw EventValidationError(field: "schema_version", reason: "must be between 1 and 1000")
        }
        guard let payload = r.value("payload"), case .object = payload else {
            throw EventValidationError(field: "payload", reason: r.value("payload") == nil ? "is required" : "expected an object")
        }
        let eventTime = try r.timestamp("event_time")
        let ingest = try r.optionalTimestamp("ingest_time") ?? defaultIngestTime ?? .now()
        self.init(
            id: try r.optionalString("id").flatMap { $0.isEmpty ? nil : $0 } ?? EventID.random(),
            type: type, schemaVersion: Int(version), source: try r.optionalString("source") ?? "unknown",
            key: try r.optionalString("key") ?? "", eventTime: eventTime, ingestTime: ingest, payload: payload)
    }

    public func encode(to w: inout JSONWriter) {
        w.beginObject()
        w.key("id"); w.string(id)
        w.key("type"); w.string(type)
        w.key("schema_version"); w.int(schemaVersion)
        w.key("source"); w.string(source)
        w.key("key"); w.string(key)
        w.key("event_time"); w.timestamp(eventTime)
        w.key("ingest_time"); w.timestamp(ingestTime)
        w.key("payload"); w.value(payload)
        w.endObject()
    }

    public func encoded() -> [UInt8] {
        var w = JSONWriter(capacity: 256)
        encode(to: &w)
        return w.bytes
    }
}
