import ArgumentParser
import Events
import Foundation
import Kafka
import Logging
import Metrics
import Prometheus
import Synchronization

/// Connection and logging options shared by every command.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "Kafka bootstrap servers (default: $KAFKA_BROKERS).")
    var brokers: String?

    @Option(name: .long, help: "PostgreSQL URL (default: $DATABASE_URL).")
    var databaseURL: String?

    @Option(name: .long, help: "Prefix of every topic name: a namespace for a deployment (default: $TURNSTILE_TOPIC_PREFIX or none).")
    var topicPrefix: String = ProcessInfo.processInfo.environment["TURNSTILE_TOPIC_PREFIX"] ?? ""

    var topics: TopicNames { TopicNames(prefix: topicPrefix) }

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = ProcessInfo.processInfo.environment["TURNSTILE_LOG_LEVEL"] ?? "info"

    func kafkaConfig() throws -> KafkaConfig {
        var env = ProcessInfo.processInfo.environment
        if let brokers { env["KAFKA_BROKERS"] = brokers }
        do {
            return try KafkaConfig.fromEnvironment(env)
        } catch {
            throw ValidationError("no Kafka brokers: pass --brokers or set KAFKA_BROKERS (e.g. eval \"$(ops/stack up)\")")
        }
    }

    func database() throws -> String {
        guard let url = databaseURL ?? ProcessInfo.processInfo.environment["DATABASE_URL"], !url.isEmpty else {
            throw ValidationError("no database: pass --database-url or set DATABASE_URL (e.g. eval \"$(ops/stack up)\")")
        }
        return url
    }

    /// Bootstraps logging (structured, to stderr) and metrics (Prometheus registry) once per process.
    func bootstrap(label: String) throws -> Logger {
        Kafka.checkLibraryVersionOrExit()
        guard let level = Logger.Level(rawValue: logLevel.lowercased()) else {
            throw ValidationError("--log-level: '\(logLevel)' is not one of trace, debug, info, notice, warning, error, critical")
        }
        Observability.bootstrap(level: level)
        var logger = Logger(label: label)
        logger.logLevel = level
        return logger
    }
}

/// Process-wide logging and metrics backends.
enum Observability {
    static let registry = PrometheusCollectorRegistry()
    private static let bootstrapped = Mutex(false)

    static func bootstrap(level: Logger.Level) {
        bootstrapped.withLock { done in
            guard !done else { return }
            done = true
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
            MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        }
    }

    /// Prometheus text exposition of every metric.
    static func prometheusText() -> String {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }
}

extension Kafka {
    /// A binary that loaded Debian's librdkafka 2.0.2 cannot talk to current brokers: stop with the fix.
    static func checkLibraryVersionOrExit() {
        do {
            try checkLibraryVersion()
        } catch {
            FileHandle.standardError.write(Data("turnstile: \(error)\n".utf8))
            exit(78)
        }
    }
}

/// Finds a folder of the checkout (topics/, projections/) from the working directory or $TURNSTILE_HOME.
func defaultDirectory(_ relative: String) -> String {
    if let home = ProcessInfo.processInfo.environment["TURNSTILE_HOME"] { return home + "/" + relative }
    return FileManager.default.currentDirectoryPath + "/" + relative
}
