/// A topic to create with `KafkaAdmin.createTopics`.
public struct KafkaTopicSpec: Sendable, Hashable {
    public var name: String
    public var partitions: Int32
    /// 1 suits the single local broker; -1 asks for the broker's `default.replication.factor`.
    public var replicationFactor: Int32
    /// Topic-level settings (retention.ms, cleanup.policy, ...). Set retention explicitly: some brokers
    /// (Tansu) report only the settings a topic was created with.
    public var config: [String: String]

    public init(name: String, partitions: Int32, replicationFactor: Int32 = 1, config: [String: String] = [:]) {
        self.name = name
        self.partitions = partitions
        self.replicationFactor = replicationFactor
        self.config = config
    }
}
