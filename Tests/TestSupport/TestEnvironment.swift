import Foundation
import Logging

/// What the test suites read from the environment, in one place: where the real broker and database are
/// (`eval "$(ops/stack up)"` exports them), whether they are required, where the repository and the real
/// feed samples are, and how loud test logs are.
///
/// Suites that need the stack are enabled when it is configured, and also when it is required
/// (`TURNSTILE_REQUIRE_STACK=1`, set by `ops/test`): then a missing stack fails them, loudly, instead of
/// skipping them.
public enum TestEnvironment {
    public static let variables = ProcessInfo.processInfo.environment

    /// `KAFKA_BROKERS`, when set and not empty.
    public static let brokers: String? = variables["KAFKA_BROKERS"].flatMap { $0.isEmpty ? nil : $0 }
    /// `DATABASE_URL`, when set and not empty.
    public static let databaseURL: String? = variables["DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
    /// `ops/test` sets `TURNSTILE_REQUIRE_STACK=1`: a missing stack is then a failure, not a skip.
    public static let isStackRequired = variables["TURNSTILE_REQUIRE_STACK"] == "1"

    /// For `.enabled(if:)` of suites that need the broker.
    public static var brokerTestsEnabled: Bool { brokers != nil || isStackRequired }
    /// For `.enabled(if:)` of suites that need the database.
    public static var databaseTestsEnabled: Bool { databaseURL != nil || isStackRequired }
    /// For `.enabled(if:)` of suites that need both.
    public static var stackTestsEnabled: Bool { (brokers != nil && databaseURL != nil) || isStackRequired }

    /// The broker, or an error that says how to get one.
    public static func requireBrokers() throws -> String {
        guard let brokers else { throw StackMissing(variable: "KAFKA_BROKERS") }
        return brokers
    }

    /// The database, or an error that says how to get one.
    public static func requireDatabaseURL() throws -> String {
        guard let databaseURL else { throw StackMissing(variable: "DATABASE_URL") }
        return databaseURL
    }

    /// The checkout: `TURNSTILE_REPO` (set by `ops/test`), else found from this file's path.
    public static let repository: String = {
        if let repo = variables["TURNSTILE_REPO"] { return repo }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }()

    /// The real feed samples beside the checkout (`../shared/real-feeds`); tests that read them skip when absent.
    public static let realFeeds: String = URL(fileURLWithPath: repository).deletingLastPathComponent()
        .appendingPathComponent("shared/real-feeds").path

    /// A logger for code under test: warnings and worse unless `TURNSTILE_TEST_LOG_LEVEL` (e.g. `info`,
    /// `debug`) says otherwise.
    public static func logger(_ label: String) -> Logger {
        var logger = Logger(label: label)
        logger.logLevel = variables["TURNSTILE_TEST_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
        return logger
    }
}

/// The stack a test needs is not configured.
public struct StackMissing: Error, CustomStringConvertible {
    public var variable: String
    public var description: String {
        "\(variable) is not set: run the tests through ops/test, or start the stack with eval \"$(ops/stack up)\""
    }
}
