import Events
import Foundation
import Kafka
import Logging

/// Topic ranges to and from archive files: `archive export` reads partitions between two bounds into an
/// archive, `archive import` produces an archive's records to a topic (partitions, keys, headers and timestamps
/// kept). Both block: run them on a thread of their own.
public enum ArchiveTransfer {
    /// Progress of a long transfer: records done, records in all (nil: not known).
    public typealias Progress = @Sendable (_ done: Int, _ total: Int?) -> Void

    /// Exports `partitions` of `topic` (all when empty) from `from` up to `to` into an archive at `path`.
    public static func export(
        topic: String, partitions wanted: [Int32], from: ReplayBound, to: ReplayBound, path: String, kafka: KafkaConfig,
        turnstileVersion: String, logger: Logger, progress: Progress = { _, _ in }
    ) throws -> ArchiveSummary {
        let count = try partitionCount(of: topic, kafka: kafka, logger: logger, path: path)
        let all = (0..<Int32(count)).map { KafkaTopicPartition(topic: topic, partition: $0) }
        for p in wanted where !(0..<Int32(count)).contains(p) {
            throw ArchiveError(path: path, place: .whole, reason: "\(topic) has no partition \(p) (it has \(count))")
        }
        let partitions = wanted.isEmpty ? all : all.filter { wanted.contains($0.partition) }
        do {
            try from.check(against: partitions)
            try to.check(against: partitions)
        } catch {
            throw ArchiveError(path: path, place: .whole, reason: "\(error)")
        }

        // Where each partition starts and ends, from the records themselves (ListOffsets is not trusted).
        let index = try KafkaTimeIndex(config: kafka, logger: logger)
        var ranges: [KafkaTopicPartition: (start: Int64, end: Int64)] = [:]
        for tp in partitions {
            let (low, high) = try index.bounds(tp)
            func offset(_ bound: ReplayBound, otherwise: Int64) throws -> Int64 {
                switch bound {
                case .earliest: low
                case .latest: high
                case .offsets(let o): o[tp].map { min(max($0, low), high) } ?? otherwise
                case .time(let t): try TimeSeek.offset(of: tp, atOrAfter: t.milliseconds, in: index).offset
                }
            }
            // A partition left out of `--to` offsets is not read; left out of `--from`, read from its start.
            let start = try offset(from, otherwise: low)
            let end = try offset(to, otherwise: start)
            if end > start { ranges[tp] = (start, end) }
        }
        index.close()
        let total = ranges.values.reduce(0) { $0 + Int($1.end - $1.start) }
        logger.info("exporting", metadata: ["topic": "\(topic)", "records": "\(total)", "partitions": "\(ranges.count)"])

        let writer = try ArchiveWriter(
            path: path, topic: topic, turnstileVersion: turnstileVersion, createdAt: Timestamp.now().microseconds)
        do {
            if !ranges.isEmpty {
                var config = kafka
                if config["fetch.wait.max.ms"] == nil { config["fetch.wait.max.ms"] = "50" }
                let consumer = try KafkaConsumer(config: config, groupID: "turnstile-archive", rebalance: StartAtBeginning(), logger: logger)
                defer { consumer.close() }
                try consumer.assign(ranges.mapValues(\.start))
                var left = Set(ranges.keys)
                var lastSeen = ContinuousClock.now
                while !left.isEmpty {
                    let batch = try consumer.poll(maxMessages: 10_000, timeoutMs: 100)
                    if !batch.isEmpty { lastSeen = .now }
                    for message in batch {
                        guard let range = ranges[message.topicPartition], left.contains(message.topicPartition),
                              message.offset < range.end else { continue }
                        try writer.append(ArchiveRecord(message))
                        if message.offset + 1 >= range.end { left.remove(message.topicPartition) }
                    }
                    // Gaps (compaction, transaction markers) may end a range before its last offset: stop at the end.
                    for tp in left where (consumer.position(tp) ?? 0) >= ranges[tp]!.end { left.remove(tp) }
                    if ContinuousClock.now - lastSeen > .seconds(30) {
                        throw ArchiveError(path: path, place: .whole, reason: "no record arrived for 30 s from \(left.map(\.description).sorted()); is the broker up?")
                    }
                    progress(writer.records, total)
                }
            }
            return try writer.finish()
        } catch {
            writer.abandon()
            throw error
        }
    }

    /// The topic's partitions; an error naming the archive when the topic does not exist.
    static func partitionCount(of topic: String, kafka: KafkaConfig, logger: Logger, path: String) throws -> Int {
        let admin = try KafkaAdmin(config: kafka, logger: logger)
        defer { admin.close() }
        guard let count = try admin.describeTopics([topic])[topic], count > 0 else {
            throw ArchiveError(
                path: path, place: .whole,
                reason: "topic \(topic) does not exist (or has no partitions): create it first (turnstile topics apply, or your broker's tools)")
        }
        return count
    }

    /// Produces every record of the archive at `path` to `topic`, each to its own partition with its key,
    /// headers and timestamp. The topic must have at least as many partitions as the archive uses. The archive
    /// is read through once first, checksums and all: a damaged one publishes nothing.
    public static func `import`(
        path: String, topic: String, kafka: KafkaConfig, logger: Logger, batch: Int = 10_000, progress: Progress = { _, _ in }
    ) throws -> ArchiveSummary {
        let count = try partitionCount(of: topic, kafka: kafka, logger: logger, path: path)
        let checked = try ArchiveReader.read(path) { _ in }
        if let highest = checked.partitions.map(\.partition).max(), highest >= count {
            throw ArchiveError(path: path, place: .whole, reason: "the archive has partition \(highest), \(topic) only \(count) partitions")
        }
        let producer = try KafkaProducer(config: kafka, logger: logger)
        defer { producer.close() }
        var pending: [KafkaOutgoingMessage] = []
        var sent = 0, total: Int?
        func flush() throws {
            guard !pending.isEmpty else { return }
            _ = try producer.sendAndWait(pending)
            sent += pending.count
            pending.removeAll(keepingCapacity: true)
            progress(sent, total)
        }
        let summary = try ArchiveReader.read(path, header: { total = $0.records }) { record in
            pending.append(KafkaOutgoingMessage(
                topic: topic, key: record.key, value: record.value, headers: record.headers, partition: record.partition,
                timestampMs: record.timestampMs))
            if pending.count >= batch { try flush() }
        }
        try flush()
        return summary
    }
}
