import CRDKafka
import Logging
import Synchronization

/// The Swift side of librdkafka's rebalance callback: asks the listener for start offsets, then assigns
/// incrementally (COOPERATIVE protocol, e.g. cooperative-sticky) or eagerly (EAGER: range, roundrobin).
final class RebalanceHandler: Sendable {
    private struct State {
        var failure: KafkaError?
        /// Partitions revoked since the last `takeRevoked()`, so `poll` can drop messages it collected
        /// for them before the revocation.
        var revoked: Set<KafkaTopicPartition> = []
    }

    private let listener: any KafkaRebalanceListener
    private let logger: Logger
    /// Written on the polling thread inside the callback, read by the consumer: a mutex keeps it simple.
    private let state = Mutex(State())
    /// Bumped on every revocation, so `poll` can check cheaply after each message whether it must filter.
    private let revocations = Atomic<Int>(0)

    init(listener: any KafkaRebalanceListener, logger: Logger) {
        self.listener = listener
        self.logger = logger
    }

    /// The listener failure that poisoned the consumer, if any.
    var failure: KafkaError? { state.withLock { $0.failure } }

    /// Changes whenever partitions were revoked; compare before taking the (locked) set.
    var revocationCount: Int { revocations.load(ordering: .acquiring) }

    func takeRevoked() -> Set<KafkaTopicPartition> {
        state.withLock { state in
            defer { state.revoked = [] }
            return state.revoked
        }
    }

    func handle(handle: OpaquePointer, event: rd_kafka_resp_err_t, partitions list: TopicPartitionList.Native) {
        let cooperative = String(cString: rd_kafka_rebalance_protocol(handle)) == "COOPERATIVE"
        let partitions = TopicPartitionList.partitions(of: list)
        switch event {
        case RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS:
            assign(handle: handle, list: list, partitions: partitions, cooperative: cooperative)
        case RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS:
            revoke(handle: handle, list: list, partitions: partitions, cooperative: cooperative)
        default:
            // librdkafka's documented fallback for an unexpected rebalance error: drop the assignment.
            logger.error("Kafka rebalance error", metadata: ["error": "\(KafkaError(code: event))"])
            rd_kafka_assign(handle, nil)
        }
    }

    private func assign(
        handle: OpaquePointer, list: TopicPartitionList.Native, partitions: [KafkaTopicPartition], cooperative: Bool
    ) {
        var startOffsets: [KafkaTopicPartition: Int64] = [:]
        var failed = failure != nil
        if !failed {
            do {
                startOffsets = try listener.partitionsAssigned(partitions)
            } catch {
                poison(.rebalanceListenerFailed(underlying: error), context: "partitionsAssigned")
                failed = true
            }
        }
        for index in 0..<Int(list.pointee.cnt) {
            let key = KafkaTopicPartition(
                topic: String(cString: list.pointee.elems[index].topic), partition: list.pointee.elems[index].partition)
            list.pointee.elems[index].offset = startOffsets[key] ?? KafkaOffset.invalid
        }
        logger.info(
            "Kafka partitions assigned",
            metadata: [
                "protocol": "\(cooperative ? "COOPERATIVE" : "EAGER")",
                "partitions": "\(partitions.map { "\($0)@\(startOffsets[$0].map(String.init) ?? "committed")" })",
            ])
        // Assign even after a failure: librdkafka's group state machine waits for this call. Pausing keeps
        // the consumer from fetching from offsets the application did not choose.
        if cooperative {
            if let error = rd_kafka_incremental_assign(handle, list) {
                poison(KafkaError(consuming: error), context: "incremental_assign")
            }
        } else {
            let error = rd_kafka_assign(handle, list)
            if error != RD_KAFKA_RESP_ERR_NO_ERROR { poison(KafkaError(code: error), context: "assign") }
        }
        if failed { _ = rd_kafka_pause_partitions(handle, list) }
    }

    private func revoke(
        handle: OpaquePointer, list: TopicPartitionList.Native, partitions: [KafkaTopicPartition], cooperative: Bool
    ) {
        let lost = rd_kafka_assignment_lost(handle) != 0
        logger.info(
            "Kafka partitions revoked",
            metadata: [
                "protocol": "\(cooperative ? "COOPERATIVE" : "EAGER")", "lost": "\(lost)",
                "partitions": "\(partitions.map(\.description))",
            ])
        state.withLock { $0.revoked.formUnion(partitions) }
        revocations.add(1, ordering: .releasing)
        // The listener flushes first, while the partitions are still ours.
        do {
            try listener.partitionsRevoked(partitions, assignmentLost: lost)
        } catch {
            poison(.rebalanceListenerFailed(underlying: error), context: "partitionsRevoked")
        }
        if cooperative {
            if let error = rd_kafka_incremental_unassign(handle, list) {
                logger.error("Kafka incremental_unassign failed", metadata: ["error": "\(KafkaError(consuming: error))"])
            }
        } else {
            let error = rd_kafka_assign(handle, nil)
            if error != RD_KAFKA_RESP_ERR_NO_ERROR {
                logger.error("Kafka unassign failed", metadata: ["error": "\(KafkaError(code: error))"])
            }
        }
    }

    private func poison(_ error: KafkaError, context: String) {
        logger.error(
            "Kafka rebalance failed; the consumer stops delivering messages",
            metadata: ["step": "\(context)", "error": "\(error)"])
        state.withLock { state in if state.failure == nil { state.failure = error } }
    }
}
