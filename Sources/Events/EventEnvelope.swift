/// What every event on every topic looks like.
///
/// Wire format (JSON, one object per Kafka record value):
/// `{"id","type","schema_version","source","key","event_time","ingest_time","payload":{…}}`.
public struct EventEnvelope: Sendable, Equatable {
    /// The Kafka header every record Turnstile publishes carries its event type in: readers (the live stream)
    /// route on it without parsing the value.
    public static let typeHeader = "turnstile.type"

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
    /// The payload as a tree (parsed from the kept bytes on each read when the envelope was decoded from
    /// bytes: the typed `decode(_:)` is the way to read it on a hot path).
    public var payload: JSONValue {
        get { payloadStorage.tree }
        set { payloadStorage = .tree(newValue) }
    }
    var payloadStorage: EnvelopePayload

    public init(
        id: String, type: String, schemaVersion: Int, source: String, key: String, eventTime: Timestamp,
        ingestTime: Timestamp, payload: JSONValue
    ) {
        self.init(
            id: id, type: type, schemaVersion: schemaVersion, source: source, key: key, eventTime: eventTime,
            ingestTime: ingestTime, payloadStorage: .tree(payload))
    }

    init(
        id: String, type: String, schemaVersion: Int, source: String, key: String, eventTime: Timestamp,
        ingestTime: Timestamp, payloadStorage: EnvelopePayload
    ) {
        self.id = id
        self.type = type
        self.schemaVersion = schemaVersion
        self.source = source
        self.key = key
        self.eventTime = eventTime
        self.ingestTime = ingestTime
        self.payloadStorage = payloadStorage
    }

    /// Payloads compare as JSON values, however they are held.
    public static func == (lhs: EventEnvelope, rhs: EventEnvelope) -> Bool {
        lhs.id == rhs.id && lhs.type == rhs.type && lhs.schemaVersion == rhs.schemaVersion && lhs.source == rhs.source
            && lhs.key == rhs.key && lhs.eventTime == rhs.eventTime && lhs.ingestTime == rhs.ingestTime
            && lhs.payload == rhs.payload
    }

    /// Wraps a typed payload.
    public init<P: EventPayload>(
        _ payload: P, id: String = EventID.random(), source: String, eventTime: Timestamp,
        ingestTime: Timestamp = .now()
    ) {
        var w = JSONWriter(capacity: 128)
        payload.encode(to: &w)
        // Our own writer's output always parses.
        let json = (try? JSONParser.parse(w.takeBytes())) ?? .null
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
        // Straight from the bytes when the type can; otherwise, or when the bytes are anything but plain, the
        // tree, whose checks and errors are the reference.
        if case .bytes(let bytes) = payloadStorage,
            let value = bytes.withUnsafeBufferPointer({ P(payloadBytes: PayloadBytes(checked: $0)) })
        {
            return value
        }
        return try P(payload: FieldReader(payload, path: "payload"))
    }

    /// How far an event's time may lie after its ingest time and still be folded. HTTP ingest holds events to
    /// a much shorter allowance against its own clock (10 minutes by default); this bound, checked by every
    /// decoder, catches what other producers write (a year-9999 placeholder, a clock off by days).
    public static let maxEventTimeAheadSeconds: Int64 = 24 * 3600

    // MARK: Codec

    /// Parses and validates an envelope from JSON bytes.
    ///
    /// The envelope's members are read straight into their fields (times parsed from the bytes, unknown
    /// members skipped); the payload is checked and kept as bytes for the typed `decode(_:)`. This is every
    /// consumer's hot path.
    public static func decode(_ bytes: UnsafeBufferPointer<UInt8>) throws(EventValidationError) -> EventEnvelope {
        try decode(bytes, owner: nil)
    }

    /// As above; the payload's bytes stay a slice of `bytes` (a Kafka record's value), not a copy.
    public static func decode(_ bytes: [UInt8]) throws(EventValidationError) -> EventEnvelope {
        try bytes.withUnsafeBufferPointer { (p) throws(EventValidationError) in try decode(p, owner: bytes[...]) }
    }

    /// As above, for a value inside a larger buffer (a poll's records share one): the payload is a slice of it.
    public static func decode(_ bytes: ArraySlice<UInt8>) throws(EventValidationError) -> EventEnvelope {
        try bytes.withUnsafeBufferPointer { (p) throws(EventValidationError) in try decode(p, owner: bytes) }
    }

    /// `owner`, when given, is the slice `bytes` points into (its first element at `bytes[0]`).
    private static func decode(_ bytes: UnsafeBufferPointer<UInt8>, owner: ArraySlice<UInt8>?) throws(EventValidationError) -> EventEnvelope {
        var fields = EnvelopeFields()
        let isObject: Bool
        do {
            isObject = try JSONParser.scanObject(bytes) { (name, parser) throws(JSONParseError) in
                try fields.read(member: name, from: &parser)
            }
        } catch {
            throw EventValidationError(error)
        }
        guard isObject else {
            // Valid JSON, wrong shape: let the tree path say what it got.
            return try EventEnvelope(json: (try? JSONParser.parse(bytes)) ?? .null)
        }
        if let range = fields.payloadRange {
            if let owner {
                let base = owner.startIndex
                fields.payload = .bytes(owner[(base + range.lowerBound)..<(base + range.upperBound)])
            } else {
                fields.payload = .bytes(ArraySlice(UnsafeBufferPointer(rebasing: bytes[range])))
            }
        }
        return try EventEnvelope(fields: fields, defaultIngestTime: nil)
    }

    /// Validates the envelope fields of a parsed JSON object. `ingest_time` defaults to now and `id` to a
    /// random id when an upstream sends raw events without them; everything else is required.
    public init(json: JSONValue, defaultIngestTime: Timestamp? = nil) throws(EventValidationError) {
        guard case .object(let members) = json else {
            throw EventValidationError(field: "", reason: "expected an object, got \(json.typeName)")
        }
        var fields = EnvelopeFields()
        for (name, value) in members {
            var name = name
            name.withUTF8 { fields.take(member: $0, value) }
        }
        try self.init(fields: fields, defaultIngestTime: defaultIngestTime)
    }

    init(fields f: EnvelopeFields, defaultIngestTime: Timestamp?) throws(EventValidationError) {
        let type = try f.requiredString(f.type, "type")
        guard let versionValue = f.schemaVersion, !versionValue.isNull else {
            throw EventValidationError(field: "schema_version", reason: "is required")
        }
        guard let version = versionValue.int64Value else {
            throw EventValidationError(field: "schema_version", reason: "expected an integer, got \(versionValue.typeName)")
        }
        guard version >= 1, version <= 1_000 else {
            throw EventValidationError(field: "schema_version", reason: "must be between 1 and 1000")
        }
        guard let payload = f.payload, payload.isObject else {
            throw EventValidationError(field: "payload", reason: f.payload == nil ? "is required" : "expected an object")
        }
        guard let eventTime = try f.time(f.eventTime, "event_time") else {
            throw EventValidationError(field: "event_time", reason: "is required")
        }
        let ingest = try f.time(f.ingestTime, "ingest_time") ?? defaultIngestTime ?? .now()
        // Replays and every processor must judge a record alike: against the time it carries, not the clock.
        guard eventTime <= ingest.adding(seconds: Self.maxEventTimeAheadSeconds) else {
            throw EventValidationError(
                field: "event_time",
                reason: "\(eventTime) is more than \(Self.maxEventTimeAheadSeconds / 3600) hours after its ingest time \(ingest); check the producer's clock")
        }
        self.init(
            id: try f.optionalString(f.id, "id").flatMap { $0.isEmpty ? nil : $0 } ?? EventID.random(),
            type: type, schemaVersion: Int(version), source: try f.optionalString(f.source, "source") ?? "unknown",
            key: try f.optionalString(f.key, "key", maxBytes: TextRules.maxKeyBytes) ?? "", eventTime: eventTime, ingestTime: ingest,
            payloadStorage: payload)
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
        return w.takeBytes()
    }
}
