import CRDKafka
import Logging
import Synchronization

/// The object behind a handle's opaque pointer: what librdkafka's C callbacks need to reach Swift.
/// It lives from `RDKafkaHandle.make` until after `rd_kafka_destroy` returns (see `RDKafkaHandle`).
final class ClientContext: Sendable {
    let logger: Logger
    /// Set for consumers only; called from inside `rd_kafka_consumer_poll`/`rd_kafka_consumer_close`.
    let rebalanceHandler: RebalanceHandler?
    let statisticsHandler: (@Sendable (KafkaStatistics) -> Void)?
    /// The first fatal error librdkafka raised (idempotent producer sequence gaps, ...).
    private let fatal = Mutex<KafkaError?>(nil)

    init(
        logger: Logger, rebalanceHandler: RebalanceHandler? = nil,
        statisticsHandler: (@Sendable (KafkaStatistics) -> Void)? = nil
    ) {
        self.logger = logger
        self.rebalanceHandler = rebalanceHandler
        self.statisticsHandler = statisticsHandler
    }

    var fatalError: KafkaError? { fatal.withLock { $0 } }

    static func from(opaque: UnsafeMutableRawPointer?) -> ClientContext? {
        opaque.map { Unmanaged<ClientContext>.fromOpaque($0).takeUnretainedValue() }
    }

    static func from(handle: OpaquePointer?) -> ClientContext? {
        from(opaque: rd_kafka_opaque(handle))
    }

    // MARK: - Callbacks. librdkafka calls the C functions below; they never capture, so they convert to
    // C function pointers, and find their Swift state through the opaque pointer.

    /// Routes librdkafka's own log lines (called from librdkafka's internal threads) into swift-log.
    static func installLogCallback(on conf: OpaquePointer) {
        rd_kafka_conf_set_log_cb(conf) { handle, level, facility, text in
            guard let context = ClientContext.from(handle: handle) else { return }
            let swiftLevel: Logger.Level =
                switch level {
                case ...2: .critical
                case 3: .error
                case 4: .warning
                case 5: .notice
                case 6: .info
                default: .debug
                }
            let facilityName = facility.map { String(cString: $0) } ?? "?"
            context.logger.log(
                level: swiftLevel, "librdkafka: \(text.map { String(cString: $0) } ?? "")",
                metadata: ["rdkafka.facility": "\(facilityName)"])
        }
    }

    /// Client-level errors: served by `rd_kafka_poll`/`rd_kafka_consumer_poll`, i.e. on the poll thread.
    /// Most are transient (librdkafka reconnects by itself); a fatal one is stored for the owner to surface.
    static func installErrorCallback(on conf: OpaquePointer) {
        rd_kafka_conf_set_error_cb(conf) { handle, code, reason, opaque in
            guard let context = ClientContext.from(opaque: opaque) else { return }
            let error = rd_kafka_resp_err_t(rawValue: code)
            let text = reason.map { String(cString: $0) } ?? ""
            if error == RD_KAFKA_RESP_ERR__FATAL {
                let (original, fatalReason) = ErrorBuffer.with { rd_kafka_fatal_error(handle, $0, $1) }
                let fatalError = KafkaError(code: original, message: fatalReason, isFatal: true)
                context.fatal.withLock { stored in if stored == nil { stored = fatalError } }
                context.logger.critical("Kafka client failed fatally", metadata: ["error": "\(fatalError)"])
            } else {
                let kafkaError = KafkaError(code: error, message: text)
                context.logger.log(
                    level: kafkaError.isRetriable ? .warning : .error, "Kafka client error",
                    metadata: ["error": "\(kafkaError)"])
            }
        }
    }

    /// `statistics.interval.ms` JSON, parsed and handed to the statistics handler (on the poll thread).
    static func installStatisticsCallback(on conf: OpaquePointer) {
        rd_kafka_conf_set_stats_cb(conf) { _, json, length, opaque in
            guard let context = ClientContext.from(opaque: opaque), let handler = context.statisticsHandler,
                let json
            else { return 0 }
            let bytes = UnsafeRawBufferPointer(start: json, count: length)
            if let statistics = KafkaStatistics(json: bytes) { handler(statistics) }
            return 0  // librdkafka frees the JSON
        }
    }

    /// Async commits report here (on the consumer's polling thread); failures are advisory, so logged.
    static func installOffsetCommitCallback(on conf: OpaquePointer) {
        rd_kafka_conf_set_offset_commit_cb(conf) { _, error, _, opaque in
            guard error != RD_KAFKA_RESP_ERR_NO_ERROR, error != RD_KAFKA_RESP_ERR__NO_OFFSET,
                let context = ClientContext.from(opaque: opaque)
            else { return }
            context.logger.warning("Kafka offset commit failed", metadata: ["error": "\(KafkaError(code: error))"])
        }
    }

    /// Group rebalances; run on the thread calling `rd_kafka_consumer_poll` or `rd_kafka_consumer_close`.
    static func installRebalanceCallback(on conf: OpaquePointer) {
        rd_kafka_conf_set_rebalance_cb(conf) { handle, error, partitions, opaque in
            guard let handle, let partitions, let handler = ClientContext.from(opaque: opaque)?.rebalanceHandler
            else { return }
            handler.handle(handle: handle, event: error, partitions: partitions)
        }
    }
}
