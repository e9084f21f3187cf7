import CRDKafka

/// Conversions between Swift values and `rd_kafka_topic_partition_list_t`.
enum TopicPartitionList {
    typealias Native = UnsafeMutablePointer<rd_kafka_topic_partition_list_t>

    /// The elements of a native list, with their offset fields.
    static func entries(of list: Native) -> [(partition: KafkaTopicPartition, offset: Int64)] {
        let count = Int(list.pointee.cnt)
        guard count > 0, let elements = list.pointee.elems else { return [] }
        return (0..<count).map { index in
            let element = elements[index]
            return (KafkaTopicPartition(topic: String(cString: element.topic), partition: element.partition),
                    element.offset)
        }
    }

    static func partitions(of list: Native) -> [KafkaTopicPartition] {
        entries(of: list).map(\.partition)
    }

    /// Runs `body` with a temporary native list holding `entries`; destroys it afterwards.
    static func with<R>(
        _ entries: [(partition: KafkaTopicPartition, offset: Int64)], _ body: (Native) throws -> R
    ) rethrows -> R {
        let list = rd_kafka_topic_partition_list_new(Int32(entries.count))!
        defer { rd_kafka_topic_partition_list_destroy(list) }
        for (partition, offset) in entries {
            rd_kafka_topic_partition_list_add(list, partition.topic, partition.partition).pointee.offset = offset
        }
        return try body(list)
    }

    static func with<R>(_ partitions: [KafkaTopicPartition], _ body: (Native) throws -> R) rethrows -> R {
        try with(partitions.map { (partition: $0, offset: KafkaOffset.invalid) }, body)
    }
}
