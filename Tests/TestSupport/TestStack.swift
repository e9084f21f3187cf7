import Catalog
import Events
import Foundation
import Kafka
import Logging
import Postgres
import Processor
import Projections
import Registry

/// The real broker and database of `ops/stack`, and a private namespace on them for one test: its own
/// database (migrated) and its own topic prefix, so tests never see each other's data.
public enum TestStack {
    public static var environment: [String: String] { TestEnvironment.variables }
    public static var databaseURL: String? { TestEnvironment.databaseURL }
    /// Enables stack suites when the stack is there, and when it is required (they then fail loudly).
    public static var enabled: Bool { TestEnvironment.stackTestsEnabled }
    public static var repository: String { TestEnvironment.repository }
    public static var logger: Logger { TestEnvironment.logger("test") }

    public static func kafka() throws -> KafkaConfig {
        var c = KafkaConfig(brokers: try TestEnvironment.requireBrokers())
        // Tansu's first JoinGroup takes about half the session timeout.
        c["session.timeout.ms"] = "6000"
        return c
    }
}

/// One test's namespace: database `turnstile_t<id>` and topics `t<id>.parks.*`.
public struct TestNamespace: Sendable {
    public let id: String
    public let database: ScratchDatabase
    public var databaseURL: String { database.url }
    public let topics: TopicNames
    public let kafka: KafkaConfig

    public static func make(partitions: Int? = nil) throws -> TestNamespace {
        let base = try TestEnvironment.requireDatabaseURL()
        let id = String(UUID().uuidString.prefix(8)).lowercased()
        let database = try ScratchDatabase(
            baseURL: base, name: "turnstile_t\(id)", migrationsDirectory: TestStack.repository + "/projections/migrations",
            logger: TestStack.logger)

        let topics = TopicNames(prefix: "t\(id).")
        let kafka = try TestStack.kafka()
        let kafkaAdmin = try KafkaAdmin(config: kafka, logger: TestStack.logger)
        defer { kafkaAdmin.close() }
        var catalog = try TopicCatalog.load(directory: TestStack.repository + "/topics").prefixed(topics.prefix)
        if let partitions { catalog.topics = catalog.topics.map { var t = $0; t.partitions = partitions; return t } }
        _ = try TopicApplier(admin: kafkaAdmin).apply(catalog)
        return TestNamespace(id: id, database: database, topics: topics, kafka: kafka)
    }

    public func session() throws -> PGSession { try PGSession.connect(url: databaseURL) }

    public func settings(maxBatch: Int = 2_000, stopWhenIdleMs: Int? = nil) -> ProcessorSettings {
        ProcessorSettings(
            databaseURL: databaseURL, kafka: kafka, groupPrefix: "t\(id)", maxBatch: maxBatch,
            deadLetterTopic: topics[.parksDeadLetters], stopWhenIdleMs: stopWhenIdleMs)
    }

    /// Drops the database (topics are left: the broker's data lives in memory and dies with the stack).
    public func drop() { database.drop() }
}
