import Events
import Kafka
import Postgres
import Projections

/// A record waiting in the outbox: a derived event or a dead letter.
public struct OutboxRecord: Sendable, Equatable {
    public var topic: String
    public var key: [UInt8]?
    public var value: [UInt8]
    public var headers: [KafkaHeader]
    public var eventID: String?

    public init(topic: String, key: [UInt8]?, value: [UInt8], headers: [KafkaHeader] = [], eventID: String? = nil) {
        self.topic = topic
        self.key = key
        self.value = value
        self.headers = headers
        self.eventID = eventID
    }

    /// The header naming a derived event's type, so consumers can route without parsing the value.

    public init(_ derived: DerivedEvent) {
        self.init(
            topic: derived.topic, key: Array(derived.key.utf8), value: derived.encoded,
            headers: [KafkaHeader(key: EventEnvelope.typeHeader, value: Array(derived.type.utf8))], eventID: derived.id)
    }

    /// A record that could not be read, with why and where it came from.
    public static func deadLetter(_ message: KafkaMessage, topic: String, reason: String, field: String) -> OutboxRecord {
        OutboxRecord(
            topic: topic, key: message.key, value: message.value,
            headers: [
                KafkaHeader(key: "turnstile.dlq.reason", value: Array(reason.utf8)),
                KafkaHeader(key: "turnstile.dlq.field", value: Array(field.utf8)),
                KafkaHeader(key: "turnstile.dlq.topic", value: Array(message.topic.utf8)),
                KafkaHeader(key: "turnstile.dlq.partition", value: Array(String(message.partition).utf8)),
                KafkaHeader(key: "turnstile.dlq.offset", value: Array(String(message.offset).utf8)),
            ])
    }

    /// Headers of a single-record outbox row, stored as jsonb `[[key, value-or-null], …]` (values UTF-8 text):
    /// the form for rows written by hand (a repair, a re-import); the processor writes bundles.
    static func headers(fromJSON text: String) -> [KafkaHeader] {
        guard let json = try? JSONParser.parse(text), let items = json.arrayValue else { return [] }
        return items.compactMap { item in
            guard let pair = item.arrayValue, pair.count == 2, let key = pair[0].stringValue else { return nil }
            return KafkaHeader(key: key, value: pair[1].stringValue.map { Array($0.utf8) })
        }
    }

    /// Appends a batch's records to the outbox as ONE row, their frames in `records` (see `OutboxBundle`).
    static func insert(_ records: [OutboxRecord], table: String, session: PGSession) throws {
        guard !records.isEmpty else { return }
        try insert(bundle: OutboxBundle.encode(records), count: records.count, table: table, session: session)
    }

    /// Appends a bundle encoded beforehand (`OutboxBundle.encode`) of `count` records as one row.
    static func insert(bundle: [UInt8], count: Int, table: String, session: PGSession) throws {
        try session.execute(
            "INSERT INTO \(table) (records, record_count) VALUES ($1, $2)", [.bytea(bundle), .int(Int64(count))])
    }

    /// The channel the relay listens on for new records in `table`: the table's name, notified at commit by
    /// the outbox's statement trigger (migration 0010).
    static func notificationChannel(table: String) -> String { table }
}
