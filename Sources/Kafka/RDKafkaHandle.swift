import CRDKafka

/// An `rd_kafka_t` plus the context object its callbacks receive.
///
/// `@unchecked Sendable`: the rd_kafka_t handle is thread-safe per librdkafka docs (any rd_kafka_* call may
/// come from any thread); the owning client (producer, consumer, admin) guarantees that `destroy()` runs
/// once, after every other use.
struct RDKafkaHandle: @unchecked Sendable {
    let pointer: OpaquePointer
    let context: Unmanaged<ClientContext>

    /// Checks the loaded librdkafka, builds the configuration, lets `configure` install callbacks, and
    /// creates the handle. On failure nothing leaks.
    static func make(
        type: rd_kafka_type_t, properties: [String: String], context: ClientContext,
        configure: (OpaquePointer) -> Void = { _ in }
    ) throws -> RDKafkaHandle {
        try Kafka.checkLibraryVersion()
        let conf = try NativeConfig.make(properties)
        let retained = Unmanaged.passRetained(context)
        rd_kafka_conf_set_opaque(conf, retained.toOpaque())
        ClientContext.installLogCallback(on: conf)
        configure(conf)
        let (handle, reason) = ErrorBuffer.with { rd_kafka_new(type, conf, $0, $1) }
        guard let handle else {
            // rd_kafka_new takes over `conf` only on success.
            rd_kafka_conf_destroy(conf)
            retained.release()
            throw KafkaError.clientCreationFailed(message: reason)
        }
        return RDKafkaHandle(pointer: handle, context: retained)
    }

    /// Destroys the handle, then drops the context (callbacks can fire until rd_kafka_destroy returns).
    func destroy() {
        rd_kafka_destroy(pointer)
        context.release()
    }
}
