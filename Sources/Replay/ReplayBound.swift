import Events
import Foundation
import Kafka

/// Where a rebuild starts or ends, as an analyst writes it on the command line:
/// `earliest` / `latest`, a time (`2024-05-20T06:00:00Z`: every partition from its first record at or after
/// it, by the events' times), or offsets per partition `P:OFFSET,…` (`TOPIC:P:OFFSET` when the projection
/// reads several topics).
public enum ReplayBound: Sendable, Equatable, CustomStringConvertible {
    /// The start of every partition (`--from` only).
    case earliest
    /// The head of the log when the rebuild catches up with it (`--to` only).
    case latest
    /// The given partitions at the given next offsets; partitions left out start at their beginning (`--from`)
    /// or are not read (`--to`).
    case offsets([KafkaTopicPartition: Int64])
    /// Every partition at its first record whose time is at or after this one (`TimeSeek`).
    case time(Timestamp)

    /// Parses `text` for a projection reading `topics`.
    public static func parse(_ text: String, topics: [String]) throws(ReplayBoundError) -> ReplayBound {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        switch trimmed {
        case "earliest": return .earliest
        case "latest": return .latest
        default: break
        }
        // A date starts with its year: four digits and a dash (a topic name never does in a bound: it has colons).
        let head = Array(trimmed.utf8.prefix(5))
        if head.count == 5, head[..<4].allSatisfy({ (48...57).contains($0) }), head[4] == UInt8(ascii: "-") {
            guard let time = Timestamp(iso8601: trimmed) else {
                throw ReplayBoundError(text: text, reason: "not a time in ISO 8601 with a zone (2024-05-20T06:00:00Z)")
            }
            return .time(time)
        }
        var offsets: [KafkaTopicPartition: Int64] = [:]
        for item in trimmed.split(separator: ",") {
            let parts = item.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            let topic: String
            let partitionText: String, offsetText: String
            switch parts.count {
            case 2:
                guard topics.count == 1 else {
                    throw ReplayBoundError(text: text, reason: "the projection reads \(topics.count) topics (\(topics.joined(separator: ", "))): write TOPIC:PARTITION:OFFSET")
                }
                (topic, partitionText, offsetText) = (topics[0], parts[0], parts[1])
            case 3:
                guard topics.contains(parts[0]) else {
                    throw ReplayBoundError(text: text, reason: "'\(parts[0])' is not an input topic of the projection (\(topics.joined(separator: ", ")))")
                }
                (topic, partitionText, offsetText) = (parts[0], parts[1], parts[2])
            default:
                throw ReplayBoundError(text: text, reason: "expected earliest, latest, or PARTITION:OFFSET[,…]; '\(item)' is neither")
            }
            guard let partition = Int32(partitionText), partition >= 0 else {
                throw ReplayBoundError(text: text, reason: "'\(partitionText)' is not a partition number")
            }
            guard let offset = Int64(offsetText), offset >= 0 else {
                throw ReplayBoundError(text: text, reason: "'\(offsetText)' is not an offset (a number from 0)")
            }
            let tp = KafkaTopicPartition(topic: topic, partition: partition)
            guard offsets.updateValue(offset, forKey: tp) == nil else {
                throw ReplayBoundError(text: text, reason: "\(tp) is given twice")
            }
        }
        guard !offsets.isEmpty else { throw ReplayBoundError(text: text, reason: "no partition given") }
        return .offsets(offsets)
    }

    /// Checks that every named partition exists.
    public func check(against partitions: [KafkaTopicPartition]) throws(ReplayBoundError) {
        guard case .offsets(let offsets) = self else { return }
        let known = Set(partitions)
        for tp in offsets.keys.sorted(by: { ($0.topic, $0.partition) < ($1.topic, $1.partition) }) where !known.contains(tp) {
            throw ReplayBoundError(text: description, reason: "\(tp) does not exist (the topic has \(partitions.filter { $0.topic == tp.topic }.count) partitions)")
        }
    }

    public var description: String {
        switch self {
        case .earliest: "earliest"
        case .latest: "latest"
        case .time(let t): t.description
        case .offsets(let offsets):
            offsets.sorted { ($0.key.topic, $0.key.partition) < ($1.key.topic, $1.key.partition) }
                .map { "\($0.key.topic):\($0.key.partition):\($0.value)" }.joined(separator: ",")
        }
    }
}

public struct ReplayBoundError: Error, CustomStringConvertible {
    public var text: String
    public var reason: String
    public var description: String { "'\(text)': \(reason)" }
}
