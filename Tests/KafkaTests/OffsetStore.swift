import Kafka
import Synchronization

/// Stands in for the runtime's database: next offsets per partition, updated atomically with the
/// processing of each message, and every processed (partition, offset) with the consumer that processed it.
final class OffsetStore: Sendable {
    private struct State {
        var next: [KafkaTopicPartition: Int64] = [:]
        var processed: [KafkaTopicPartition: [Int64: [String]]] = [:]
        var messages: [KafkaMessage] = []
        var countByConsumer: [String: Int] = [:]
    }

    private let state = Mutex(State())

    init(next: [KafkaTopicPartition: Int64] = [:]) {
        state.withLock { $0.next = next }
    }

    func startOffsets(for partitions: [KafkaTopicPartition]) -> [KafkaTopicPartition: Int64] {
        state.withLock { state in state.next.filter { partitions.contains($0.key) } }
    }

    func process(_ messages: [KafkaMessage], by consumer: String) {
        state.withLock { state in
            for message in messages {
                state.processed[message.topicPartition, default: [:]][message.offset, default: []].append(consumer)
                state.next[message.topicPartition] = message.offset + 1
                state.countByConsumer[consumer, default: 0] += 1
                state.messages.append(message)
            }
        }
    }

    var processedCount: Int { state.withLock { $0.messages.count } }
    var messages: [KafkaMessage] { state.withLock { $0.messages } }
    var countByConsumer: [String: Int] { state.withLock { $0.countByConsumer } }

    /// (partition, offset) pairs processed more than once.
    var duplicates: [(KafkaTopicPartition, Int64)] {
        state.withLock { state in
            state.processed.flatMap { partition, offsets in
                offsets.filter { $0.value.count > 1 }.map { (partition, $0.key) }
            }
        }
    }
}
