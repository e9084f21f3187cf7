import CRDKafka

/// Every failure the Kafka module reports. Each case can say what went wrong (`name`, `message`) and what
/// an operator should do about it (`remedy`), because these errors end up in logs read by people who did
/// not write the code.
public enum KafkaError: Error, Sendable, CustomStringConvertible {
    /// An error reported by librdkafka or the broker.
    case librdkafka(code: KafkaErrorCode, message: String, isRetriable: Bool, isFatal: Bool)
    /// The librdkafka loaded at run time is older than the build requires.
    case libraryTooOld(loaded: String, required: String)
    /// librdkafka rejected a configuration property. Secret values are redacted.
    case invalidConfiguration(key: String, value: String, reason: String)
    /// `rd_kafka_new` failed (e.g. SASL mechanism not built in).
    case clientCreationFailed(message: String)
    /// The call is not valid in the client's current lifecycle state (e.g. poll after close).
    case invalidState(String)
    /// A bad argument detected before reaching librdkafka (e.g. a topic with 0 partitions).
    case invalidArgument(String)
    /// A blocking call did not finish in time.
    case timedOut(operation: String, timeoutMs: Int)
    /// The sending task was cancelled before the message was handed to librdkafka; it was not sent.
    case cancelled
    /// The rebalance listener threw; the consumer cannot safely continue without its start offsets.
    case rebalanceListenerFailed(underlying: any Error)

    init(code: rd_kafka_resp_err_t, message: String? = nil, isFatal: Bool = false) {
        let kafkaCode = KafkaErrorCode(code)
        self = .librdkafka(
            code: kafkaCode, message: message ?? kafkaCode.explanation, isRetriable: kafkaCode.isRetriable,
            isFatal: isFatal || kafkaCode == .fatal)
    }

    /// Takes ownership of an `rd_kafka_error_t` (destroys it) and converts it.
    init(consuming error: OpaquePointer) {
        defer { rd_kafka_error_destroy(error) }
        self = .librdkafka(
            code: KafkaErrorCode(rd_kafka_error_code(error)), message: String(cString: rd_kafka_error_string(error)),
            isRetriable: rd_kafka_error_is_retriable(error) != 0, isFatal: rd_kafka_error_is_fatal(error) != 0)
    }

    /// The librdkafka code, when the error came from librdkafka or the broker.
    public var code: KafkaErrorCode? {
        if case .librdkafka(let code, _, _, _) = self { return code }
        return nil
    }

    /// Short symbolic name, e.g. "TOPIC_ALREADY_EXISTS" or "LIBRARY_TOO_OLD".
    public var name: String {
        switch self {
        case .librdkafka(let code, _, _, _): code.name
        case .libraryTooOld: "LIBRARY_TOO_OLD"
        case .invalidConfiguration: "INVALID_CONFIGURATION"
        case .clientCreationFailed: "CLIENT_CREATION_FAILED"
        case .invalidState: "INVALID_STATE"
        case .invalidArgument: "INVALID_ARGUMENT"
        case .timedOut: "TIMED_OUT"
        case .cancelled: "CANCELLED"
        case .rebalanceListenerFailed: "REBALANCE_LISTENER_FAILED"
        }
    }

    public var message: String {
        switch self {
        case .librdkafka(_, let message, _, _): message
        case .libraryTooOld(let loaded, let required):
            "librdkafka \(loaded) was loaded at run time, but Turnstile needs librdkafka >= \(required). "
                + "The dynamic loader probably found Debian's librdkafka1 (2.0.2) instead of the private build "
                + "in .tools/librdkafka"
        case .invalidConfiguration(let key, let value, let reason):
            "invalid Kafka configuration \(key)=\(value): \(reason)"
        case .clientCreationFailed(let message): "could not create the Kafka client: \(message)"
        case .invalidState(let message): message
        case .invalidArgument(let message): message
        case .timedOut(let operation, let timeoutMs): "\(operation) did not finish within \(timeoutMs) ms"
        case .cancelled: "the task was cancelled before the message was queued; it was not sent"
        case .rebalanceListenerFailed(let underlying): "the rebalance listener failed: \(underlying)"
        }
    }

    /// What an operator should do about it.
    public var remedy: String {
        switch self {
        case .librdkafka(let code, _, let retriable, let fatal):
            if fatal { return "the client is unusable: recreate the producer or consumer" }
            switch code {
            case .queueFull:
                return "the local producer queue is full: slow down or raise queue.buffering.max.messages"
            case .messageTimedOut:
                return "not delivered within message.timeout.ms: check the broker; after a broker restart an "
                    + "idempotent producer can loop on UNKNOWN_PRODUCER_ID, recreate the producer"
            case .transport, .allBrokersDown:
                return "check that the broker runs and bootstrap.servers (KAFKA_BROKERS) points at it; "
                    + "locally: eval \"$(ops/stack up)\""
            case .unknownTopicOrPartition, .unknownTopic:
                return "create the topic first (KafkaAdmin.createTopics) or check its name"
            case .topicAlreadyExists: return "nothing to do: the topic exists"
            case .messageSizeTooLarge: return "send smaller messages or raise message.max.bytes on client and broker"
            case .unknownProducerID, .outOfOrderSequence:
                return "the broker lost the producer's state (restart?): recreate the producer"
            case .topicAuthorizationFailed, .groupAuthorizationFailed, .clusterAuthorizationFailed:
                return "grant the principal the needed ACLs, or check sasl.* credentials"
            case .authentication, .ssl:
                return "check security.protocol, sasl.* and ssl.* (KAFKA_CONFIG_* environment variables)"
            default:
                return retriable ? "transient: retry later" : "see the librdkafka message above"
            }
        case .libraryTooOld:
            return "run ops/install, then `source ops/env.sh` (sets LD_LIBRARY_PATH to .tools/librdkafka/lib) "
                + "before starting the binary"
        case .invalidConfiguration:
            return "fix or remove the property (see librdkafka CONFIGURATION.md; KAFKA_CONFIG_* env variables)"
        case .clientCreationFailed: return "check the configuration and the librdkafka build features"
        case .invalidState: return "this is a programming error in the caller"
        case .invalidArgument: return "fix the argument"
        case .timedOut: return "check that the broker is reachable and healthy, or raise the timeout"
        case .cancelled: return "send it again if it is still wanted"
        case .rebalanceListenerFailed:
            return "fix the cause (database?), then recreate the consumer: it does not consume without its offsets"
        }
    }

    /// True when retrying the same operation later may succeed.
    public var isRetriable: Bool {
        switch self {
        case .librdkafka(_, _, let retriable, _): retriable
        case .timedOut: true
        default: false
        }
    }

    /// True when the client that reported it must be recreated.
    public var isFatal: Bool {
        switch self {
        case .librdkafka(_, _, _, let fatal): fatal
        case .libraryTooOld, .rebalanceListenerFailed: true
        default: false
        }
    }

    public var description: String { "\(name): \(message) (\(remedy))" }
}
