import Events
import Kafka

/// An archive's header: what it holds, written before the records so that `archive inspect` and a reader know
/// it up front. Built record by record while exporting (`add`).
public struct ArchiveSummary: Sendable, Equatable {
    public struct PartitionRange: Sendable, Equatable {
        public var partition: Int32
        public var firstOffset: Int64
        public var lastOffset: Int64
        public var records: Int
        public var firstTimeMs: Int64?
        public var lastTimeMs: Int64?
    }

    public var topic: String
    public var turnstileVersion: String
    /// When the archive was written, µs since the epoch.
    public var createdAt: Int64
    public var records = 0
    public var partitions: [PartitionRange] = []
    /// Records per event type (the envelope's `type`; values that are not events count as `(not an event)`).
    public var eventTypes: [String: Int] = [:]

    public init(topic: String, turnstileVersion: String, createdAt: Int64) {
        self.topic = topic
        self.turnstileVersion = turnstileVersion
        self.createdAt = createdAt
    }

    public var firstTimeMs: Int64? { partitions.compactMap(\.firstTimeMs).min() }
    public var lastTimeMs: Int64? { partitions.compactMap(\.lastTimeMs).max() }

    mutating func add(_ record: ArchiveRecord) {
        records += 1
        let type = (try? EventEnvelope.decode(record.value).type) ?? "(not an event)"
        eventTypes[type, default: 0] += 1
        if let i = partitions.firstIndex(where: { $0.partition == record.partition }) {
            partitions[i].firstOffset = min(partitions[i].firstOffset, record.offset)
            partitions[i].lastOffset = max(partitions[i].lastOffset, record.offset)
            partitions[i].records += 1
            if let t = record.timestampMs {
                partitions[i].firstTimeMs = min(partitions[i].firstTimeMs ?? t, t)
                partitions[i].lastTimeMs = max(partitions[i].lastTimeMs ?? t, t)
            }
        } else {
            partitions.append(PartitionRange(
                partition: record.partition, firstOffset: record.offset, lastOffset: record.offset, records: 1,
                firstTimeMs: record.timestampMs, lastTimeMs: record.timestampMs))
            partitions.sort { $0.partition < $1.partition }
        }
    }

    public var json: String {
        var w = JSONWriter(capacity: 512)
        w.beginObject()
        w.key("format"); w.int(1)
        w.key("topic"); w.string(topic)
        w.key("turnstile_version"); w.string(turnstileVersion)
        w.key("created_at"); w.string(Timestamp(microseconds: createdAt).description)
        w.key("records"); w.int(records)
        w.key("first_time"); if let t = firstTimeMs { w.string(Timestamp(milliseconds: t).description) } else { w.null() }
        w.key("last_time"); if let t = lastTimeMs { w.string(Timestamp(milliseconds: t).description) } else { w.null() }
        w.key("partitions"); w.beginArray()
        for p in partitions {
            w.beginObject()
            w.key("partition"); w.int(Int(p.partition))
            w.key("first_offset"); w.int(p.firstOffset)
            w.key("last_offset"); w.int(p.lastOffset)
            w.key("records"); w.int(p.records)
            w.key("first_time"); if let t = p.firstTimeMs { w.int(t) } else { w.null() }
            w.key("last_time"); if let t = p.lastTimeMs { w.int(t) } else { w.null() }
            w.endObject()
        }
        w.endArray()
        w.key("event_types"); w.beginObject()
        for (type, n) in eventTypes.sorted(by: { $0.key < $1.key }) { w.key(type); w.int(n) }
        w.endObject()
        w.endObject()
        return w.string
    }

    /// Reads a header back; nil when it is not one.
    static func parse(_ bytes: [UInt8]) -> ArchiveSummary? {
        guard let v = try? JSONParser.parse(bytes), v["format"]?.int64Value == 1, let topic = v["topic"]?.stringValue,
              let version = v["turnstile_version"]?.stringValue,
              let created = v["created_at"]?.stringValue.flatMap(Timestamp.init(iso8601:)),
              let records = v["records"]?.int64Value, let partitions = v["partitions"]?.arrayValue,
              let types = v["event_types"]?.objectValue
        else { return nil }
        var summary = ArchiveSummary(topic: topic, turnstileVersion: version, createdAt: created.microseconds)
        summary.records = Int(records)
        for p in partitions {
            guard let partition = p["partition"]?.int64Value, let first = p["first_offset"]?.int64Value,
                  let last = p["last_offset"]?.int64Value, let n = p["records"]?.int64Value else { return nil }
            summary.partitions.append(PartitionRange(
                partition: Int32(partition), firstOffset: first, lastOffset: last, records: Int(n),
                firstTimeMs: p["first_time"]?.int64Value, lastTimeMs: p["last_time"]?.int64Value))
        }
        for (type, n) in types {
            guard let n = n.int64Value else { return nil }
            summary.eventTypes[type] = Int(n)
        }
        return summary
    }
}
