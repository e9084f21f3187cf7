import Kafka
import Logging
import Testing

@Suite struct KafkaConfigTests {
    /// These clients point at a closed port; their connection errors are expected noise.
    static let quiet: Logger = {
        var logger = Logger(label: "KafkaConfigTests")
        logger.logLevel = .critical
        return logger
    }()

    @Test func environmentVariablesBecomeLibrdkafkaKeys() throws {
        let config = try KafkaConfig.fromEnvironment([
            "KAFKA_BROKERS": "broker-1:9092,broker-2:9092",
            "KAFKA_CONFIG_SECURITY_PROTOCOL": "SASL_SSL",
            "KAFKA_CONFIG_SASL_MECHANISMS": "SCRAM-SHA-512",
            "KAFKA_CONFIG_SSL_CA_LOCATION": "/etc/ssl/ca.pem",
            "KAFKA_CONFIG_": "ignored: no key",
            "PATH": "/usr/bin",
        ])
        #expect(
            config.properties == [
                "bootstrap.servers": "broker-1:9092,broker-2:9092",
                "security.protocol": "SASL_SSL",
                "sasl.mechanisms": "SCRAM-SHA-512",
                "ssl.ca.location": "/etc/ssl/ca.pem",
            ])
    }

    @Test func brokersMayComeFromBootstrapServersVariable() throws {
        let config = try KafkaConfig.fromEnvironment(["KAFKA_CONFIG_BOOTSTRAP_SERVERS": "b:1"])
        #expect(config["bootstrap.servers"] == "b:1")
        // KAFKA_BROKERS wins when both are set.
        let both = try KafkaConfig.fromEnvironment(["KAFKA_CONFIG_BOOTSTRAP_SERVERS": "b:1", "KAFKA_BROKERS": "a:1"])
        #expect(both["bootstrap.servers"] == "a:1")
    }

    @Test func missingBrokersIsAnError() {
        #expect(throws: KafkaError.self) { try KafkaConfig.fromEnvironment(["KAFKA_CONFIG_ACKS": "all"]) }
    }

    @Test func keyMapping() {
        #expect(KafkaConfig.librdkafkaKey(forEnvironmentVariable: "KAFKA_CONFIG_SASL_USERNAME") == "sasl.username")
        #expect(KafkaConfig.librdkafkaKey(forEnvironmentVariable: "KAFKA_BROKERS") == nil)
        #expect(KafkaConfig.librdkafkaKey(forEnvironmentVariable: "KAFKA_CONFIG_") == nil)
    }

    @Test func brokersInitAndSubscript() {
        var config = KafkaConfig(brokers: "127.0.0.1:19092")
        config["linger.ms"] = "20"
        #expect(config.properties == ["bootstrap.servers": "127.0.0.1:19092", "linger.ms": "20"])
    }

    /// librdkafka rejects bad properties while the client is created: no broker is needed.
    @Test func invalidValueNamesKeyAndValue() throws {
        var config = KafkaConfig(brokers: "127.0.0.1:1")
        config["linger.ms"] = "soon"
        do {
            _ = try KafkaProducer(config: config, logger: Self.quiet)
            Issue.record("expected an invalid configuration error")
        } catch KafkaError.invalidConfiguration(let key, let value, let reason) {
            #expect(key == "linger.ms")
            #expect(value == "soon")
            #expect(!reason.isEmpty)
        }
    }

    @Test func unknownKeyIsReportedAndSecretsRedacted() throws {
        var config = KafkaConfig(brokers: "127.0.0.1:1")
        config["no.such.password"] = "hunter2"
        do {
            _ = try KafkaAdmin(config: config, logger: Self.quiet)
            Issue.record("expected an invalid configuration error")
        } catch let error as KafkaError {
            guard case .invalidConfiguration(let key, let value, _) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(key == "no.such.password")
            #expect(value == "<redacted>")
            #expect(!error.description.contains("hunter2"))
        }
    }

    @Test func userConfigurationOverridesDefaults() throws {
        // Observable through librdkafka: an invalid user value for a defaulted key must reach it.
        var config = KafkaConfig(brokers: "127.0.0.1:1")
        config["compression.type"] = "brotli"
        #expect(throws: KafkaError.self) { try KafkaProducer(config: config, logger: Self.quiet) }
        config["compression.type"] = "zstd"
        let producer = try KafkaProducer(config: config, logger: Self.quiet)
        producer.close(timeoutMs: 0)
    }
}
