/// Receives a group consumer's partition changes. Both methods are called synchronously on the thread that
/// calls `KafkaConsumer.poll` (or `close`), inside librdkafka's rebalance callback, so they may do blocking
/// I/O (read offsets from a database, flush state). They must not call `poll` or `close` themselves.
public protocol KafkaRebalanceListener: Sendable {
    /// `partitions` were assigned to this consumer. Return the offset to start each partition at (the next
    /// offset to read, e.g. from the application's own database) or a `KafkaOffset` constant. Partitions
    /// left out start at the group's committed offset, or at `auto.offset.reset` without one.
    ///
    /// If this throws, the consumer is poisoned: the partitions are assigned (keeping the group protocol
    /// consistent) but paused, and every later `poll` throws `KafkaError.rebalanceListenerFailed`.
    func partitionsAssigned(_ partitions: [KafkaTopicPartition]) throws -> [KafkaTopicPartition: Int64]

    /// `partitions` are being taken away: flush whatever belongs to them now. Messages of these partitions
    /// that a `poll` had collected but not yet returned are dropped, so the new owner re-reads them.
    /// `assignmentLost` is true when the group already gave them to another member (session timeout):
    /// committing for them will fail. A throw poisons the consumer like in `partitionsAssigned`.
    func partitionsRevoked(_ partitions: [KafkaTopicPartition], assignmentLost: Bool) throws
}
