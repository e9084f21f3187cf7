import Events

/// A projection: a pure fold of a topic's events into rows and derived events, per state key.
///
/// `fold` is `(State, Event) -> (State, [Row], [DerivedEvent])` and does no I/O, so it runs the same in unit
/// tests, in the processor and in a replay. The runtime loads the state of the keys a batch touches from the
/// projection's tables before folding, and writes rows, derived events and offsets in one transaction.
public protocol Projection: Sendable {
    associatedtype Input: Sendable
    associatedtype State: Sendable
    associatedtype Row: Sendable

    /// Stable name: the consumer group, the offsets' owner, the prefix of its tables.
    var name: String { get }
    /// Topics it folds.
    var inputTopics: [String] { get }

    /// Validates an envelope and turns it into the fold's input; a thrown error sends the record to the
    /// dead-letter topic.
    func decode(_ envelope: EventEnvelope) throws(EventValidationError) -> Input

    /// The key whose state this input folds into (the partition key of its topic).
    func stateKey(of input: Input) -> String

    /// How long the runtime may hold a batch open for more records after the first (ms). Latency-bound folds
    /// (a live leaderboard) say 0; high-volume folds whose readers need only fresh seconds say more, and
    /// commit a few large transactions instead of many tiny ones that crowd the latency-bound ones out.
    var batchLingerMs: Int { get }

    /// Whether a record of `topic` (its deployment name) that `decode` refuses goes to the dead-letter topic. A
    /// projection that reads another one's raw topic says no for it: that topic's own projection dead-letters
    /// every refusal once, and this one skips it (counted, `turnstile_refusals_skipped_total`).
    func deadLettersRefusals(from topic: String) -> Bool

    /// `state` is consumed so a fold can mutate it in place (the runtime hands over its only reference).
    func fold(_ state: consuming State?, _ input: Input) -> FoldResult<State, Row>

    /// The same step, on the state in its slot, appending to a batch's rows and derived events: what the
    /// runtime calls. The default calls `fold(_:_:)`; a high-volume fold implements this one instead (and
    /// `fold(_:_:)` through it) to spare two arrays per event.
    func fold(_ slot: inout State?, _ input: Input, rows: inout [Row], derived: inout [DerivedEvent])

    /// Folds a batch of decoded inputs in order, each into the state of its key, in place on `states`: what the
    /// runtime and the benchmarks call. The default steps through the batch (`foldInOrder`); a fold whose steps
    /// are cheaper together (many model evaluations at once) implements it, with the same outcome.
    func fold(batch inputs: [(key: String, input: Input)], states: inout [String: State]) -> FoldedBatch<State, Row>
}

extension Projection {
    public var batchLingerMs: Int { 0 }

    public func deadLettersRefusals(from topic: String) -> Bool { true }

    @inlinable
    public func fold(_ slot: inout State?, _ input: Input, rows: inout [Row], derived: inout [DerivedEvent]) {
        let result = fold(slot.take(), input)
        slot = result.state
        rows.append(contentsOf: result.rows)
        derived.append(contentsOf: result.derived)
    }
}

/// What one fold step produced.
public struct FoldResult<State: Sendable, Row: Sendable>: Sendable {
    public var state: State
    public var rows: [Row]
    public var derived: [DerivedEvent]

    public init(state: State, rows: [Row] = [], derived: [DerivedEvent] = []) {
        self.state = state
        self.rows = rows
        self.derived = derived
    }
}

/// A derived event and the topic it goes to. Its id is deterministic (see `EventID.derived`).
///
/// Held typed, like rows: a fold step only builds a value, and the runtime writes the JSON envelopes of a
/// whole batch at once, into its outbox bundle.
public struct DerivedEvent: Sendable, Equatable {
    public var topic: String
    public var id: String
    public var type: String
    public var key: String
    public var source: String
    public var eventTime: Timestamp
    public var ingestTime: Timestamp
    public var payload: any EventPayload
    public var schemaVersion: Int { Swift.type(of: payload).schemaVersion }

    public init<P: EventPayload>(
        topic: String, payload: P, id: String, source: String, eventTime: Timestamp, ingestTime: Timestamp
    ) {
        self.topic = topic
        self.id = id
        self.type = P.eventType
        self.key = payload.partitionKey
        self.source = source
        self.eventTime = eventTime
        self.ingestTime = ingestTime
        self.payload = payload
    }

    /// The whole envelope as JSON, as it goes to Kafka (written on each call).
    public var encoded: [UInt8] {
        var w = JSONWriter(capacity: 384)
        encode(to: &w)
        return w.takeBytes()
    }

    /// Writes the envelope as JSON into `w` (after what it holds): the outbox frames thousands of these per
    /// batch through one reused writer.
    public func encode(to w: inout JSONWriter) {
        w.beginObject()
        w.key(ascii: "id"); w.string(id)
        w.key(ascii: "type"); w.string(type)
        w.key(ascii: "schema_version"); w.int(schemaVersion)
        w.key(ascii: "source"); w.string(source)
        w.key(ascii: "key"); w.string(key)
        w.key(ascii: "event_time"); w.timestamp(eventTime)
        w.key(ascii: "ingest_time"); w.timestamp(ingestTime)
        w.key(ascii: "payload"); payload.encode(to: &w)
        w.endObject()
    }

    /// Equal when they would go to the same topic as the same bytes.
    public static func == (lhs: DerivedEvent, rhs: DerivedEvent) -> Bool {
        lhs.topic == rhs.topic && lhs.id == rhs.id && lhs.encoded == rhs.encoded
    }

    /// The envelope, parsed back (tests and tools; the runtime never needs it).
    public func envelope() throws(EventValidationError) -> EventEnvelope { try EventEnvelope.decode(encoded) }
}

/// The envelope fields a fold may need besides the payload (ids of derived events come from the input's id).
public struct EventMeta: Sendable, Equatable {
    public var id: String
    public var eventTime: Timestamp
    public var ingestTime: Timestamp

    public init(id: String, eventTime: Timestamp, ingestTime: Timestamp) {
        self.id = id
        self.eventTime = eventTime
        self.ingestTime = ingestTime
    }

    public init(_ envelope: EventEnvelope) {
        self.init(id: envelope.id, eventTime: envelope.eventTime, ingestTime: envelope.ingestTime)
    }
}
