import Catalog
import Kafka

/// Brings a broker in line with the topic catalog: creates what is missing, reports what differs.
public struct TopicApplier: Sendable {
    public let admin: KafkaAdmin

    public init(admin: KafkaAdmin) { self.admin = admin }

    public struct Report: Sendable {
        public var created: [String] = []
        public var unchanged: [String] = []
        /// Human-readable differences between the catalog and the broker (never fixed automatically).
        public var differences: [String] = []

        public var lines: [String] {
            created.map { "created \($0)" } + unchanged.map { "ok \($0)" } + differences.map { "DIFFERS \($0)" }
        }
    }

    public func apply(_ catalog: TopicCatalog, replicationFactor: Int32 = 1) throws -> Report {
        var report = Report()
        let existing = try admin.describeTopics(catalog.topics.map(\.name))
        let missing = catalog.topics.filter { existing[$0.name] == nil }
        if !missing.isEmpty {
            let results = try admin.createTopics(missing.map {
                KafkaTopicSpec(name: $0.name, partitions: Int32($0.partitions), replicationFactor: replicationFactor, config: $0.brokerConfig)
            })
            for topic in missing {
                if let error = results[topic.name] ?? nil, error.code != .topicAlreadyExists {
                    throw error
                }
                report.created.append(topic.name)
            }
        }
        for topic in catalog.topics {
            guard let partitions = existing[topic.name] else { continue }
            if partitions != topic.partitions {
                report.differences.append("\(topic.name): broker has \(partitions) partitions, catalog says \(topic.partitions)")
            } else {
                report.unchanged.append(topic.name)
            }
        }
        return report
    }
}
