/// Consumed records with their keys and values back to back in ONE buffer, filled by
/// `KafkaConsumer.poll(into:maxRecords:timeoutMs:)`.
///
/// A projection worker polls thousands of records at a time: one `[UInt8]` for the key and one for the value
/// of each (`KafkaMessage`) were two allocations, two copies and two frees per record, about a tenth of the
/// worker's CPU. Here a poll grows one buffer; a record's key and value are slices of it. Headers are not
/// kept (consumers that need them poll `KafkaMessage`s).
public struct KafkaRecordBatch: Sendable {
    /// Where a record came from, and where its key and value sit in the batch's buffer.
    public struct Record: Sendable {
        public var topic: String
        public var partition: Int32
        public var offset: Int64
        /// Milliseconds since the epoch, when the broker supplied one.
        public var timestampMs: Int64?
        /// -1: a null key.
        fileprivate var keyStart: Int
        fileprivate var keyCount: Int
        fileprivate var valueStart: Int
        fileprivate var valueCount: Int

        public var topicPartition: KafkaTopicPartition { KafkaTopicPartition(topic: topic, partition: partition) }
    }

    public private(set) var records: [Record] = []
    private var bytes: [UInt8] = []

    public init() {}

    public var count: Int { records.count }
    public var isEmpty: Bool { records.isEmpty }

    /// The record's value (empty for a null value as well as for an empty one), a slice of the batch's buffer.
    public func value(of record: Record) -> ArraySlice<UInt8> {
        bytes[record.valueStart..<record.valueStart + record.valueCount]
    }

    /// The record's key; nil for a null key.
    public func key(of record: Record) -> ArraySlice<UInt8>? {
        record.keyStart < 0 ? nil : bytes[record.keyStart..<record.keyStart + record.keyCount]
    }

    /// The record as a self-contained `KafkaMessage` (copies; no headers): for the rare record that must
    /// outlive the batch, such as a dead letter.
    public func message(_ record: Record) -> KafkaMessage {
        KafkaMessage(
            topic: record.topic, partition: record.partition, offset: record.offset, key: key(of: record).map(Array.init),
            value: Array(value(of: record)), headers: [], timestampMs: record.timestampMs)
    }

    /// Appends a record, copying `key` (nil: null) and `value` into the buffer.
    public mutating func append(
        topic: String, partition: Int32, offset: Int64, timestampMs: Int64?, key: UnsafeRawBufferPointer?,
        value: UnsafeRawBufferPointer
    ) {
        if bytes.capacity - bytes.count < (key?.count ?? 0) + value.count {
            // Geometric growth, from room for a typical poll: a handful of copies of the buffer per batch at most.
            bytes.reserveCapacity(max(2 * bytes.capacity, bytes.count + (key?.count ?? 0) + value.count, 1 << 20))
        }
        var keyStart = -1
        if let key {
            keyStart = bytes.count
            bytes.append(contentsOf: key)
        }
        let valueStart = bytes.count
        bytes.append(contentsOf: value)
        records.append(
            Record(
                topic: topic, partition: partition, offset: offset, timestampMs: timestampMs, keyStart: keyStart,
                keyCount: key?.count ?? 0, valueStart: valueStart, valueCount: value.count))
    }

    /// Drops records (their bytes stay in the buffer until the batch goes).
    public mutating func removeRecords(where shouldRemove: (Record) throws -> Bool) rethrows {
        try records.removeAll(where: shouldRemove)
    }

    /// Empties the batch, keeping its buffers for the next poll.
    public mutating func removeAll() {
        records.removeAll(keepingCapacity: true)
        bytes.removeAll(keepingCapacity: true)
    }
}
