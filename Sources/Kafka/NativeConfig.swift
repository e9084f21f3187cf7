import CRDKafka

/// Builds an `rd_kafka_conf_t` from string properties, naming the exact property librdkafka rejected.
enum NativeConfig {
    /// A new `rd_kafka_conf_t`; the caller owns it (until `rd_kafka_new` takes it over).
    static func make(_ properties: [String: String]) throws -> OpaquePointer {
        guard let conf = rd_kafka_conf_new() else { throw KafkaError.clientCreationFailed(message: "rd_kafka_conf_new") }
        // Sorted so that, with several bad keys, the same one is reported every time.
        for (key, value) in properties.sorted(by: { $0.key < $1.key }) {
            let (result, reason) = ErrorBuffer.with { rd_kafka_conf_set(conf, key, value, $0, $1) }
            if result != RD_KAFKA_CONF_OK {
                rd_kafka_conf_destroy(conf)
                throw KafkaError.invalidConfiguration(
                    key: key, value: redacted(key: key, value: value),
                    reason: reason.isEmpty ? "rejected by librdkafka" : reason)
            }
        }
        return conf
    }

    /// Values of secret-bearing keys never reach logs or error messages.
    static func redacted(key: String, value: String) -> String {
        let secretMarkers = ["password", "secret", "sasl.oauthbearer.config", "ssl.key.pem", "ssl_key", "token"]
        return secretMarkers.contains(where: { key.contains($0) }) ? "<redacted>" : value
    }
}
