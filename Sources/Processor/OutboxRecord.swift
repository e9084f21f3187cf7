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

    public init(_ derived: DerivedEvent) {
        self.init(
            topic: derived.topic, key: Array(derived.key.utf8), value: derived.encoded,
            headers: [KafkaHeader(key: "turnstile.type", value: Array(derived.type.utf8))], eventID: derived.id)
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

    /// Headers as stored in the outbox's jsonb column: `[[key, value-or-null], …]` (values are UTF-8 text).
    var headersJSON: String {
        var w = JSONWriter(capacity: 64)
        w.beginArray()
        for h in headers {
            w.beginArray()
            w.string(h.key)
            w.optional(h.value.map { String(decoding: $0, as: UTF8.self) })
            w.endArray()
        }
        w.endArray()
        return w.string
    }

    static func headers(fromJSON text: String) -> [KafkaHeader] {
        guard let json = try? JSONParser.parse(text), let items = json.arrayValue else { return [] }
        return items.compactMap { item in
            guard let pair = item.arrayValue, pair.count == 2, let key = pair[0].stringValue else { return nil }
            return KafkaHeader(key: key, value: pair[1].stringValue.map { Array($0.utf8) })
        }
    }

    /// Appends records to the outbox in one statement (see `PGSession.insertRows`).
    static func insert(_ records: [OutboxRecord], table: String, session: PGSession) throws {
        guard !records.isEmpty else { return }
        var w = PGBinaryCopyWriter(reservingCapacity: records.count * 256)
        for r in records {
            w.beginRow(columns: 5)
            w.text(r.topic)
            if let key = r.key { w.bytea(key) } else { w.null() }
            w.bytea(r.value)
            w.jsonb(r.headersJSON)
            if let id = r.eventID { w.text(id) } else { w.null() }
        }
        try session.insertRows(into: table, columns: ["topic", "key", "value", "headers", "event_id"], rows: &w)
    }

    /// The channel the relay listens on for new records in `table`: the table's name, notified at commit by
    /// the outbox's statement trigger (migration 0010).
    static func notificationChannel(table: String) -> String { table }
}
