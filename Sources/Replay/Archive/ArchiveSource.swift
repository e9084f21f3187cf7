import Foundation
import Kafka
import Processor

/// Archive files as a rebuild's records, with no broker: each archive's records under the projection's input
/// topic it holds, partitions and offsets as exported. A worker reads it as it reads a consumer: assign, poll,
/// seek (a seek backwards reads the archive again from its start and skips what lies below), pause and resume.
// @unchecked Sendable: made on the coordinator's side and then used by the one worker thread only.
public final class ArchiveSource: RecordSource, @unchecked Sendable {
    public struct Input: Sendable {
        public var path: String
        /// The input topic of the projection its records are read as.
        public var topic: String
        public var summary: ArchiveSummary
    }

    public let inputs: [Input]
    private var streams: [ArchiveStream?]
    private var reading = 0
    private var floors: [KafkaTopicPartition: Int64] = [:]
    private var paused: Set<KafkaTopicPartition> = []
    /// Records of paused partitions met while reading, delivered once they resume.
    private var held: [(topic: String, record: ArchiveRecord)] = []

    /// Matches each archive to the input topic it holds (by name, a deployment prefix aside; a projection reading
    /// one topic takes any archive).
    public static func inputs(paths: [String], topics: [String]) throws -> [Input] {
        try paths.map { path in
            let summary = try ArchiveStream(path: path).summary
            let matches = topics.filter { t in
                topics.count == 1 || t == summary.topic || summary.topic.hasSuffix("." + t) || t.hasSuffix("." + summary.topic)
            }
            guard matches.count == 1 else {
                throw ArchiveError(
                    path: path, place: .whole,
                    reason: "holds \(summary.topic), which is \(matches.isEmpty ? "none" : "more than one") of the projection's input topics (\(topics.joined(separator: ", ")))")
            }
            return Input(path: path, topic: matches[0], summary: summary)
        }
    }

    public init(_ inputs: [Input]) throws {
        self.inputs = inputs
        streams = try inputs.map { try ArchiveStream(path: $0.path) }
    }

    /// Every partition the archives hold, under the projection's topics.
    public var partitions: [KafkaTopicPartition] {
        inputs.flatMap { input in input.summary.partitions.map { KafkaTopicPartition(topic: input.topic, partition: $0.partition) } }
    }

    public func assign(_ starts: [KafkaTopicPartition: Int64]) throws {
        floors = starts.mapValues { max(0, $0) }
    }

    public func poll(into batch: inout KafkaRecordBatch, maxRecords: Int, timeoutMs: Int32) throws {
        var taken = 0
        // Held records of partitions that resumed, first, in the order met.
        if !held.isEmpty {
            var still: [(topic: String, record: ArchiveRecord)] = []
            for h in held {
                let tp = KafkaTopicPartition(topic: h.topic, partition: h.record.partition)
                if paused.contains(tp) || taken >= maxRecords { still.append(h) } else if deliver(h.record, topic: h.topic, into: &batch) { taken += 1 }
            }
            held = still
        }
        while taken < maxRecords, reading < streams.count {
            guard let stream = streams[reading], let record = try stream.nextRecord() else {
                streams[reading] = nil
                reading += 1
                continue
            }
            let topic = inputs[reading].topic
            let tp = KafkaTopicPartition(topic: topic, partition: record.partition)
            guard let floor = floors[tp], record.offset >= floor else { continue }
            if paused.contains(tp) {
                held.append((topic, record))
                continue
            }
            if deliver(record, topic: topic, into: &batch) { taken += 1 }
        }
        // At the end of every archive: nothing more will come (a consumer would have waited this long).
        if taken == 0 { Thread.sleep(forTimeInterval: Double(min(timeoutMs, 50)) / 1000) }
    }

    private func deliver(_ record: ArchiveRecord, topic: String, into batch: inout KafkaRecordBatch) -> Bool {
        let tp = KafkaTopicPartition(topic: topic, partition: record.partition)
        guard let floor = floors[tp], record.offset >= floor else { return false }
        floors[tp] = record.offset + 1
        record.value.withUnsafeBytes { value in
            if let key = record.key {
                key.withUnsafeBytes { key in
                    batch.append(topic: topic, partition: record.partition, offset: record.offset, timestampMs: record.timestampMs, key: key, value: value)
                }
            } else {
                batch.append(topic: topic, partition: record.partition, offset: record.offset, timestampMs: record.timestampMs, key: nil, value: value)
            }
        }
        return true
    }

    public func seek(_ partition: KafkaTopicPartition, to offset: Int64, timeoutMs: Int32) throws {
        let target = max(0, offset)
        let backwards = target < (floors[partition] ?? 0)
        floors[partition] = target
        held.removeAll { $0.topic == partition.topic && $0.record.partition == partition.partition }
        guard backwards, let index = inputs.firstIndex(where: { $0.topic == partition.topic }) else { return }
        // Read that archive again from its start: what lies below each partition's floor is skipped.
        streams[index] = try ArchiveStream(path: inputs[index].path)
        reading = min(reading, index)
    }

    public func pause(_ partitions: [KafkaTopicPartition]) throws { paused.formUnion(partitions) }
    public func resume(_ partitions: [KafkaTopicPartition]) throws { paused.subtract(partitions) }

    public func watermarks(_ partition: KafkaTopicPartition) -> (low: Int64, high: Int64)? {
        guard let input = inputs.first(where: { $0.topic == partition.topic }) else { return nil }
        guard let range = input.summary.partitions.first(where: { $0.partition == partition.partition }) else { return (0, 0) }
        return (range.firstOffset, range.lastOffset + 1)
    }

    public func close() { streams = streams.map { _ in nil } }
}
