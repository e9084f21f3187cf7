import CRDKafka
import Synchronization

/// Tracks the delivery reports of one `send` call and calls its completion once, when the last one
/// arrived, with results in input order.
///
/// Each produced message carries a per-message opaque pointer to `slots[i]`; every slot holds the address
/// of this batch, so the delivery callback finds both the batch and the index `i` without a per-message
/// allocation. The batch keeps itself alive (one retain) until the last result is recorded.
///
/// `@unchecked Sendable`: the results are guarded by `state`'s mutex; `slots` is written only in `init`,
/// before the batch is shared with librdkafka, and only read afterwards.
final class DeliveryBatch: @unchecked Sendable {
    typealias Completion = @Sendable ([Result<KafkaDeliveryReport, KafkaError>]) -> Void

    private struct State {
        var results: [Result<KafkaDeliveryReport, KafkaError>?]
        var remaining: Int
    }

    let messages: [KafkaOutgoingMessage]
    private let completion: Completion
    private let slots: UnsafeMutablePointer<UnsafeMutableRawPointer>
    private let state: Mutex<State>

    init(messages: [KafkaOutgoingMessage], completion: @escaping Completion) {
        self.messages = messages
        self.completion = completion
        self.state = Mutex(State(results: Array(repeating: nil, count: messages.count), remaining: messages.count))
        self.slots = .allocate(capacity: max(messages.count, 1))
        let me = Unmanaged.passUnretained(self).toOpaque()
        slots.initialize(repeating: me, count: messages.count)
        if messages.isEmpty {
            completion([])
        } else {
            // Balanced in `record` when the last result arrives.
            _ = Unmanaged.passRetained(self)
        }
    }

    deinit {
        slots.deallocate()
    }

    /// The per-message opaque for message `index`.
    func opaque(for index: Int) -> UnsafeMutableRawPointer {
        UnsafeMutableRawPointer(slots + index)
    }

    /// Records message `index`'s outcome; the last one calls the completion (on the calling thread).
    func record(_ index: Int, _ result: Result<KafkaDeliveryReport, KafkaError>) {
        let finished: [Result<KafkaDeliveryReport, KafkaError>]? = state.withLock { state in
            precondition(state.results[index] == nil, "two outcomes for one message")
            state.results[index] = result
            state.remaining -= 1
            return state.remaining == 0 ? state.results.map { $0! } : nil
        }
        if let finished {
            completion(finished)
            Unmanaged.passUnretained(self).release()
        }
    }

    /// Fails every message from `index` on (they were never handed to librdkafka).
    func fail(from index: Int, with error: KafkaError) {
        for i in index..<messages.count { record(i, .failure(error)) }
    }

    /// The `dr_msg_cb` body: finds batch and index through the message's opaque and records the outcome.
    static func deliveryReport(_ message: UnsafePointer<rd_kafka_message_t>) {
        guard let opaque = message.pointee._private else { return }
        let slot = opaque.assumingMemoryBound(to: UnsafeMutableRawPointer.self)
        let batch = Unmanaged<DeliveryBatch>.fromOpaque(slot.pointee).takeUnretainedValue()
        let index = slot - batch.slots
        let error = message.pointee.err
        if error == RD_KAFKA_RESP_ERR_NO_ERROR {
            batch.record(
                index,
                .success(
                    KafkaDeliveryReport(
                        topic: batch.messages[index].topic, partition: message.pointee.partition,
                        offset: message.pointee.offset)))
        } else {
            batch.record(index, .failure(KafkaError(code: error)))
        }
    }
}
