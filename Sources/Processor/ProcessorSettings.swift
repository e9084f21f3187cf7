import Kafka

/// How a processor connects and batches. Everything comes from flags or the environment.
public struct ProcessorSettings: Sendable {
    public var databaseURL: String
    public var kafka: KafkaConfig
    /// Prefix of consumer group ids: the group of a projection is `<prefix>.<projection name>`.
    public var groupPrefix: String
    /// Most records folded per transaction.
    public var maxBatch: Int
    /// How long a poll waits for the first record of a batch.
    public var pollTimeoutMs: Int32
    public var deadLetterTopic: String
    /// How long a batch may wait for more records after its first one; nil: each projection's own choice
    /// (`Projection.batchLingerMs`: 0 for latency-bound folds, more for volume that only needs fresh seconds).
    public var batchLingerMs: Int?
    /// Stop once every assigned partition has been idle this long (demo, bench and tests); nil = run until told.
    public var stopWhenIdleMs: Int?

    public init(
        databaseURL: String, kafka: KafkaConfig, groupPrefix: String = "turnstile", maxBatch: Int = 5_000,
        pollTimeoutMs: Int32 = 50, deadLetterTopic: String, stopWhenIdleMs: Int? = nil
    ) {
        self.databaseURL = databaseURL
        self.kafka = kafka
        self.groupPrefix = groupPrefix
        self.maxBatch = maxBatch
        self.pollTimeoutMs = pollTimeoutMs
        self.deadLetterTopic = deadLetterTopic
        self.stopWhenIdleMs = stopWhenIdleMs
    }
}
