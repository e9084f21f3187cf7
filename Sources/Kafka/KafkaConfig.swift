import Foundation

/// librdkafka configuration as plain key/value strings. Every key passes through to librdkafka unchanged,
/// so any setting it knows (security.protocol, sasl.*, ssl.*, ...) works without code changes here.
public struct KafkaConfig: Sendable, Equatable {
    public var properties: [String: String]

    public init(properties: [String: String] = [:]) {
        self.properties = properties
    }

    /// Sets `bootstrap.servers`.
    public init(brokers: String) {
        self.properties = ["bootstrap.servers": brokers]
    }

    public subscript(key: String) -> String? {
        get { properties[key] }
        set { properties[key] = newValue }
    }

    /// Prefix of environment variables that carry librdkafka properties.
    public static let environmentPrefix = "KAFKA_CONFIG_"

    /// Brokers from `KAFKA_BROKERS`, plus every `KAFKA_CONFIG_<KEY>` variable as a librdkafka property
    /// (`KAFKA_CONFIG_SECURITY_PROTOCOL=SASL_SSL` → `security.protocol=SASL_SSL`), so production settings
    /// need no code. `KAFKA_BROKERS` wins over `KAFKA_CONFIG_BOOTSTRAP_SERVERS`.
    /// Throws when neither names a broker.
    public static func fromEnvironment(
        _ environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> KafkaConfig {
        var config = KafkaConfig()
        for (name, value) in environment {
            if let key = librdkafkaKey(forEnvironmentVariable: name) { config[key] = value }
        }
        if let brokers = environment["KAFKA_BROKERS"], !brokers.isEmpty { config["bootstrap.servers"] = brokers }
        guard let brokers = config["bootstrap.servers"], !brokers.isEmpty else {
            throw KafkaError.invalidConfiguration(
                key: "bootstrap.servers", value: "", reason: "set KAFKA_BROKERS (e.g. 127.0.0.1:9092)")
        }
        return config
    }

    /// `KAFKA_CONFIG_SASL_MECHANISMS` → `sasl.mechanisms`; nil for other variables. librdkafka keys use
    /// only lowercase words separated by dots, so lowercasing and `_` → `.` is lossless.
    public static func librdkafkaKey(forEnvironmentVariable name: String) -> String? {
        guard name.hasPrefix(environmentPrefix), name.count > environmentPrefix.count else { return nil }
        return name.dropFirst(environmentPrefix.count).lowercased().replacingOccurrences(of: "_", with: ".")
    }

    /// `defaults` overlaid with this configuration: user settings always win over our defaults.
    func overriding(_ defaults: [String: String]) -> [String: String] {
        defaults.merging(properties) { _, user in user }
    }
}
