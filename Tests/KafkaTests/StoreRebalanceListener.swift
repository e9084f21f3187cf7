import Kafka
import Synchronization

/// A rebalance listener like the runtime's: start offsets come from the `OffsetStore`; it records every
/// assignment change, and can be told to fail.
final class StoreRebalanceListener: KafkaRebalanceListener {
    struct Failure: Error {}

    private let store: OffsetStore
    private let failOnAssign: Bool
    private let state = Mutex<(assigned: [[KafkaTopicPartition]], revoked: [[KafkaTopicPartition]])>(([], []))

    init(store: OffsetStore, failOnAssign: Bool = false) {
        self.store = store
        self.failOnAssign = failOnAssign
    }

    func partitionsAssigned(_ partitions: [KafkaTopicPartition]) throws -> [KafkaTopicPartition: Int64] {
        state.withLock { $0.assigned.append(partitions) }
        if failOnAssign { throw Failure() }
        return store.startOffsets(for: partitions)
    }

    func partitionsRevoked(_ partitions: [KafkaTopicPartition], assignmentLost: Bool) throws {
        state.withLock { $0.revoked.append(partitions) }
    }

    var assignedEvents: [[KafkaTopicPartition]] { state.withLock { $0.assigned } }
    var revokedEvents: [[KafkaTopicPartition]] { state.withLock { $0.revoked } }
}
