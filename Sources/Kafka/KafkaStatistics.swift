import Foundation

/// The parts of librdkafka's `statistics.interval.ms` JSON that Turnstile uses (per-partition lag for
/// metrics). On Tansu these come from fetch responses and are correct, while ListOffsets is not.
public struct KafkaStatistics: Sendable {
    public struct Partition: Sendable, Hashable {
        /// High watermark (next offset to be written) last seen by the client.
        public var highWatermark: Int64?
        public var lowWatermark: Int64?
        /// librdkafka's `consumer_lag`: high watermark minus the group's COMMITTED offset, so unknown
        /// (nil) until something was committed. See `positionLag` for the lag of what was read.
        public var consumerLag: Int64?
        public var committedOffset: Int64?
        /// Offset of the next message the application will receive.
        public var applicationOffset: Int64?
        /// Producer: messages queued locally for this partition.
        public var queuedMessages: Int64?

        /// Messages between the consumer's position (next message for the application) and the high
        /// watermark: the lag that matters when offsets live in the application's own database.
        public var positionLag: Int64? {
            guard let highWatermark, let applicationOffset else { return nil }
            return max(0, highWatermark - applicationOffset)
        }
    }

    /// librdkafka's client instance name (`client.id` plus a counter).
    public var clientName: String
    /// Producer: messages in the local queue awaiting delivery (`msg_cnt`).
    public var queuedMessages: Int64
    public var partitions: [KafkaTopicPartition: Partition]

    public init(clientName: String, queuedMessages: Int64, partitions: [KafkaTopicPartition: Partition]) {
        self.clientName = clientName
        self.queuedMessages = queuedMessages
        self.partitions = partitions
    }

    /// Parses the JSON; nil when it is not librdkafka's statistics object.
    public init?(json: UnsafeRawBufferPointer) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json)) as? [String: Any] else {
            return nil
        }
        clientName = object["name"] as? String ?? ""
        queuedMessages = Self.int(object["msg_cnt"]) ?? 0
        partitions = [:]
        for case let (topicName, topic as [String: Any]) in object["topics"] as? [String: Any] ?? [:] {
            for case let (_, partition as [String: Any]) in topic["partitions"] as? [String: Any] ?? [:] {
                // Partition -1 is librdkafka's internal "unassigned" queue, not a real partition.
                guard let id = Self.int(partition["partition"]), id >= 0 else { continue }
                let key = KafkaTopicPartition(topic: topicName, partition: Int32(id))
                partitions[key] = Partition(
                    highWatermark: Self.offset(partition["hi_offset"]), lowWatermark: Self.offset(partition["lo_offset"]),
                    consumerLag: Self.offset(partition["consumer_lag"]),
                    committedOffset: Self.offset(partition["committed_offset"]),
                    applicationOffset: Self.offset(partition["app_offset"]),
                    queuedMessages: Self.int(partition["msgq_cnt"]))
            }
        }
    }

    private static func int(_ value: Any?) -> Int64? {
        (value as? NSNumber)?.int64Value
    }

    /// librdkafka writes -1 (or -1001) for "unknown".
    private static func offset(_ value: Any?) -> Int64? {
        int(value).flatMap { $0 >= 0 ? $0 : nil }
    }
}
