/// A rebalance listener that reads every assigned partition from its first record: for tools that scan a
/// whole topic (readers, benchmarks), never for a processor, which starts where its database says.
public final class StartAtBeginning: KafkaRebalanceListener {
    public init() {}

    public func partitionsAssigned(_ partitions: [KafkaTopicPartition]) throws -> [KafkaTopicPartition: Int64] {
        Dictionary(uniqueKeysWithValues: partitions.map { ($0, KafkaOffset.beginning) })
    }

    public func partitionsRevoked(_ partitions: [KafkaTopicPartition], assignmentLost: Bool) throws {}
}
