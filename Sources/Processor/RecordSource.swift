import Kafka

/// Where a worker's records come from: the broker (`KafkaConsumer`), or, for a rebuild with no broker at all,
/// archive files (`ArchiveSource` in the Replay module). What a rebuild's worker asks of its input.
public protocol RecordSource: AnyObject, Sendable {
    /// Reads exactly these partitions from these offsets (or `KafkaOffset` constants).
    func assign(_ starts: [KafkaTopicPartition: Int64]) throws
    /// Appends up to `maxRecords` records to `batch`, waiting up to `timeoutMs` for the first.
    func poll(into batch: inout KafkaRecordBatch, maxRecords: Int, timeoutMs: Int32) throws
    func seek(_ partition: KafkaTopicPartition, to offset: Int64, timeoutMs: Int32) throws
    func pause(_ partitions: [KafkaTopicPartition]) throws
    func resume(_ partitions: [KafkaTopicPartition]) throws
    /// First offset kept and next offset to be written, as far as known (nil: not yet).
    func watermarks(_ partition: KafkaTopicPartition) -> (low: Int64, high: Int64)?
    func close()
}

extension KafkaConsumer: RecordSource {}
