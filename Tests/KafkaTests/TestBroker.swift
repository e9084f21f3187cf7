import Foundation
import Kafka
import Logging
import TestSupport
import Testing

/// Access to the real broker the integration tests run against (`KAFKA_BROKERS`, from `ops/stack up`).
/// Without it the broker tests are skipped, unless `TURNSTILE_REQUIRE_STACK=1` demands them: then they
/// run and fail with a message saying what is missing.
enum TestBroker {
    static var brokers: String? { TestEnvironment.brokers }

    /// For `.enabled(if:)`: run when a broker is configured or required.
    static var shouldRun: Bool { TestEnvironment.brokerTestsEnabled }

    static func config(_ extra: [String: String] = [:]) throws -> KafkaConfig {
        guard let brokers else {
            Issue.record("TURNSTILE_REQUIRE_STACK=1 but KAFKA_BROKERS is not set: run eval \"$(ops/stack up)\"")
            throw KafkaError.invalidState("no broker")
        }
        var config = KafkaConfig(brokers: brokers)
        for (key, value) in extra { config[key] = value }
        return config
    }

    /// Consumer settings for tests: the first JoinGroup takes about half of session.timeout.ms on Tansu.
    static func consumerConfig(_ extra: [String: String] = [:]) throws -> KafkaConfig {
        try config(["session.timeout.ms": "6000", "heartbeat.interval.ms": "500"].merging(extra) { _, new in new })
    }

    static var logger: Logger {
        TestEnvironment.logger("KafkaTests")
    }

    static func uniqueName(_ prefix: String) -> String {
        "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())"
    }

    /// Creates a fresh topic (on a dedicated thread: admin calls block) and returns its name.
    static func createTopic(_ prefix: String, partitions: Int32) async throws -> String {
        let name = uniqueName(prefix)
        let config = try config()
        try await onThread {
            let admin = try KafkaAdmin(config: config, logger: logger)
            defer { admin.close() }
            let results = try admin.createTopics([KafkaTopicSpec(name: name, partitions: partitions)])
            if let error = results[name] ?? nil { throw error }
        }
        return name
    }

    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    /// Runs `body` on a new OS thread (the threading model: blocking Kafka calls never run on Swift's
    /// cooperative pool) and returns its result.
    static func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread { continuation.resume(with: Result { try body() }) }
            thread.start()
        }
    }

    /// `TestSupport.eventually`, false when the wait is cancelled.
    static func eventually(timeout: Duration, _ condition: () -> Bool) async -> Bool {
        (try? await TestSupport.eventually(timeout: timeout, condition)) ?? false
    }
}
