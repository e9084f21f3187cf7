import Catalog
import Events
import Foundation
import Kafka
import Logging
import Postgres
import Processor
import Projections

/// The real broker and database of `ops/stack`, and a private namespace on them for one test: its own
/// database (migrated) and its own topic prefix, so tests never see each other's data.
enum TestStack {
    static let environment = ProcessInfo.processInfo.environment
    static let brokers = environment["KAFKA_BROKERS"]
    static let databaseURL = environment["DATABASE_URL"]
    /// Under `ops/test` a missing stack is a failure, not a skip.
    static let isRequired = environment["TURNSTILE_REQUIRE_STACK"] == "1"
    static let isAvailable = brokers != nil && databaseURL != nil
    /// Enables stack suites when the stack is there, and when it is required (they then fail loudly).
    static let enabled = isAvailable || isRequired

    static let repository: String = {
        if let repo = environment["TURNSTILE_REPO"] { return repo }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().path
    }()

    static var logger: Logger {
        var l = Logger(label: "test")
        // TURNSTILE_TEST_LOG_LEVEL=info (or debug) shows what the runtime under test does.
        l.logLevel = environment["TURNSTILE_TEST_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
        return l
    }

    static func kafka() throws -> KafkaConfig {
        guard let brokers else { throw TestStackMissing() }
        var c = KafkaConfig(brokers: brokers)
        // Tansu's first JoinGroup takes about half the session timeout.
        c["session.timeout.ms"] = "6000"
        return c
    }
}

struct TestStackMissing: Error, CustomStringConvertible {
    var description: String { "KAFKA_BROKERS and DATABASE_URL must be set: run the tests through ops/test" }
}

/// One test's namespace: database `turnstile_t<id>` and topics `t<id>.parks.*`.
struct TestNamespace {
    let id: String
    let database: ScratchDatabase
    var databaseURL: String { database.url }
    let topics: ParkTopics
    let kafka: KafkaConfig

    static func make(partitions: Int? = nil) throws -> TestNamespace {
        guard let base = TestStack.databaseURL else { throw TestStackMissing() }
        let id = String(UUID().uuidString.prefix(8)).lowercased()
        let database = try ScratchDatabase(
            baseURL: base, name: "turnstile_t\(id)", migrationsDirectory: TestStack.repository + "/projections/migrations",
            logger: TestStack.logger)

        let topics = ParkTopics(prefix: "t\(id).")
        let kafka = try TestStack.kafka()
        let kafkaAdmin = try KafkaAdmin(config: kafka, logger: TestStack.logger)
        defer { kafkaAdmin.close() }
        var catalog = try TopicCatalog.load(directory: TestStack.repository + "/topics").prefixed(topics.prefix)
        if let partitions { catalog.topics = catalog.topics.map { var t = $0; t.partitions = partitions; return t } }
        _ = try TopicApplier(admin: kafkaAdmin).apply(catalog)
        return TestNamespace(id: id, database: database, topics: topics, kafka: kafka)
    }

    func session() throws -> PGSession { try PGSession.connect(url: databaseURL) }

    func settings(maxBatch: Int = 2_000, stopWhenIdleMs: Int? = nil) -> ProcessorSettings {
        ProcessorSettings(
            databaseURL: databaseURL, kafka: kafka, groupPrefix: "t\(id)", maxBatch: maxBatch,
            deadLetterTopic: topics.deadLetters, stopWhenIdleMs: stopWhenIdleMs)
    }

    /// Drops the database (topics are left: the broker's data lives in memory and dies with the stack).
    func drop() { database.drop() }
}
