import CRDKafka

/// A librdkafka error code (`rd_kafka_resp_err_t`): negative values are client-side errors (`_TRANSPORT`,
/// `_QUEUE_FULL`, ...), positive ones come from the broker. Kept as a plain value so callers and tests
/// can match on codes without importing the C module.
public struct KafkaErrorCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: Int32

    public init(rawValue: Int32) { self.rawValue = rawValue }

    init(_ native: rd_kafka_resp_err_t) { self.rawValue = native.rawValue }

    var native: rd_kafka_resp_err_t { rd_kafka_resp_err_t(rawValue: rawValue) }

    /// librdkafka's symbolic name without the `RD_KAFKA_RESP_ERR_` prefix, e.g. "TOPIC_ALREADY_EXISTS".
    public var name: String { String(cString: rd_kafka_err2name(native)) }

    /// librdkafka's human-readable description.
    public var explanation: String { String(cString: rd_kafka_err2str(native)) }

    public var description: String { name }

    public static let noError = KafkaErrorCode(RD_KAFKA_RESP_ERR_NO_ERROR)
    public static let queueFull = KafkaErrorCode(RD_KAFKA_RESP_ERR__QUEUE_FULL)
    public static let messageTimedOut = KafkaErrorCode(RD_KAFKA_RESP_ERR__MSG_TIMED_OUT)
    public static let timedOut = KafkaErrorCode(RD_KAFKA_RESP_ERR__TIMED_OUT)
    public static let transport = KafkaErrorCode(RD_KAFKA_RESP_ERR__TRANSPORT)
    public static let allBrokersDown = KafkaErrorCode(RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN)
    public static let fatal = KafkaErrorCode(RD_KAFKA_RESP_ERR__FATAL)
    public static let purgedFromQueue = KafkaErrorCode(RD_KAFKA_RESP_ERR__PURGE_QUEUE)
    public static let purgedInFlight = KafkaErrorCode(RD_KAFKA_RESP_ERR__PURGE_INFLIGHT)
    public static let partitionEOF = KafkaErrorCode(RD_KAFKA_RESP_ERR__PARTITION_EOF)
    public static let unknownTopicOrPartition = KafkaErrorCode(RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART)
    public static let unknownTopic = KafkaErrorCode(RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC)
    public static let topicAlreadyExists = KafkaErrorCode(RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS)
    public static let messageSizeTooLarge = KafkaErrorCode(RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE)
    public static let unknownProducerID = KafkaErrorCode(RD_KAFKA_RESP_ERR_UNKNOWN_PRODUCER_ID)
    public static let outOfOrderSequence = KafkaErrorCode(RD_KAFKA_RESP_ERR_OUT_OF_ORDER_SEQUENCE_NUMBER)
    public static let topicAuthorizationFailed = KafkaErrorCode(RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED)
    public static let groupAuthorizationFailed = KafkaErrorCode(RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED)
    public static let clusterAuthorizationFailed = KafkaErrorCode(
        RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED)
    public static let authentication = KafkaErrorCode(RD_KAFKA_RESP_ERR__AUTHENTICATION)
    public static let ssl = KafkaErrorCode(RD_KAFKA_RESP_ERR__SSL)
    public static let invalidPartitions = KafkaErrorCode(RD_KAFKA_RESP_ERR_INVALID_PARTITIONS)

    /// Codes that clear up by themselves (broker moves, restarts, congestion): retrying the same request
    /// later is expected to succeed. librdkafka offers `rd_kafka_error_is_retriable` only for
    /// `rd_kafka_error_t`, not for bare codes, so the bare-code list lives here.
    public var isRetriable: Bool { Self.retriable.contains(self) }

    private static let retriable: Set<KafkaErrorCode> = [
        .queueFull, .messageTimedOut, .timedOut, .transport, .allBrokersDown, .unknownTopicOrPartition,
        KafkaErrorCode(RD_KAFKA_RESP_ERR__RESOLVE), KafkaErrorCode(RD_KAFKA_RESP_ERR__TIMED_OUT_QUEUE),
        KafkaErrorCode(RD_KAFKA_RESP_ERR__WAIT_COORD), KafkaErrorCode(RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE),
        KafkaErrorCode(RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION),
        KafkaErrorCode(RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT), KafkaErrorCode(RD_KAFKA_RESP_ERR_NETWORK_EXCEPTION),
        KafkaErrorCode(RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS),
        KafkaErrorCode(RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE),
        KafkaErrorCode(RD_KAFKA_RESP_ERR_NOT_COORDINATOR), KafkaErrorCode(RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS),
        KafkaErrorCode(RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS_AFTER_APPEND),
        KafkaErrorCode(RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS),
        KafkaErrorCode(RD_KAFKA_RESP_ERR_KAFKA_STORAGE_ERROR),
        KafkaErrorCode(RD_KAFKA_RESP_ERR_FETCH_SESSION_ID_NOT_FOUND),
    ]
}
