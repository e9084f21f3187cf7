import CRDKafka
import Logging
import Synchronization

/// Topic administration. Every call blocks until the broker answered or the timeout passed: call it from a
/// dedicated thread or at start-up, not from Swift concurrency's pool.
public final class KafkaAdmin: Sendable {
    private let handle: RDKafkaHandle
    private let logger: Logger
    /// True once closed. Held during every operation, so `close` cannot destroy the handle mid-call
    /// (admin calls are rare; serialising them costs nothing).
    private let closed = Mutex(false)

    public init(config: KafkaConfig, logger: Logger) throws {
        // Admin requests ride on a producer-type handle; metadata requests must never create topics.
        self.handle = try RDKafkaHandle.make(
            type: RD_KAFKA_PRODUCER, properties: config.overriding(["allow.auto.create.topics": "false"]),
            context: ClientContext(logger: logger))
        self.logger = logger
    }

    deinit {
        close()
    }

    /// Destroys the handle; later calls throw `invalidState`. Idempotent.
    public func close() {
        closed.withLock { closed in
            guard !closed else { return }
            handle.destroy()
            closed = true
        }
    }

    /// Creates topics. Returns one entry per topic: nil when created, else the error; TOPIC_ALREADY_EXISTS
    /// is reported there, not thrown. A spec with fewer than 1 partition is refused here (some brokers,
    /// Tansu among them, accept 0). Throws when the request as a whole failed or timed out.
    public func createTopics(_ specs: [KafkaTopicSpec], timeoutMs: Int32 = 30_000) throws -> [String: KafkaError?] {
        var results: [String: KafkaError?] = [:]
        var valid: [KafkaTopicSpec] = []
        for spec in specs {
            if spec.partitions < 1 {
                results[spec.name] = .some(.invalidArgument("topic \(spec.name) needs at least 1 partition"))
            } else {
                valid.append(spec)
            }
        }
        guard !valid.isEmpty else { return results }
        let created = try withLiveHandle { pointer in
            var newTopics: [OpaquePointer?] = []
            defer { newTopics.forEach { rd_kafka_NewTopic_destroy($0) } }
            for spec in valid {
                let (topic, reason) = ErrorBuffer.with {
                    rd_kafka_NewTopic_new(spec.name, spec.partitions, spec.replicationFactor, $0, $1)
                }
                guard let topic else { throw KafkaError.invalidArgument("topic \(spec.name): \(reason)") }
                newTopics.append(topic)
                for (key, value) in spec.config.sorted(by: { $0.key < $1.key }) {
                    let error = rd_kafka_NewTopic_set_config(topic, key, value)
                    guard error == RD_KAFKA_RESP_ERR_NO_ERROR else {
                        throw KafkaError.invalidConfiguration(
                            key: key, value: value, reason: "topic \(spec.name): \(KafkaErrorCode(error).explanation)")
                    }
                }
            }
            return try runAdminRequest(
                pointer, operation: RD_KAFKA_ADMIN_OP_CREATETOPICS, resultType: RD_KAFKA_EVENT_CREATETOPICS_RESULT,
                name: "CreateTopics", timeoutMs: timeoutMs,
                start: { options, queue in
                    newTopics.withUnsafeMutableBufferPointer {
                        rd_kafka_CreateTopics(pointer, $0.baseAddress, $0.count, options, queue)
                    }
                },
                read: { event in
                    var count = 0
                    let topics = rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(event), &count)
                    return Self.topicResults(topics, count: count)
                })
        }
        return results.merging(created) { _, new in new }
    }

    /// Deletes topics; one entry per topic, nil when deleted. For tests and tooling.
    public func deleteTopics(_ names: [String], timeoutMs: Int32 = 30_000) throws -> [String: KafkaError?] {
        guard !names.isEmpty else { return [:] }
        return try withLiveHandle { pointer in
            var deletions: [OpaquePointer?] = names.map { rd_kafka_DeleteTopic_new($0) }
            defer { deletions.forEach { rd_kafka_DeleteTopic_destroy($0) } }
            return try runAdminRequest(
                pointer, operation: RD_KAFKA_ADMIN_OP_DELETETOPICS, resultType: RD_KAFKA_EVENT_DELETETOPICS_RESULT,
                name: "DeleteTopics", timeoutMs: timeoutMs,
                start: { options, queue in
                    deletions.withUnsafeMutableBufferPointer {
                        rd_kafka_DeleteTopics(pointer, $0.baseAddress, $0.count, options, queue)
                    }
                },
                read: { event in
                    var count = 0
                    let topics = rd_kafka_DeleteTopics_result_topics(rd_kafka_event_DeleteTopics_result(event), &count)
                    return Self.topicResults(topics, count: count)
                })
        }
    }

    /// Partition counts of the named topics that exist; absent topics are missing from the result.
    /// Reads the metadata of all topics: asking for a single topic could auto-create it on some brokers.
    public func describeTopics(_ names: [String], timeoutMs: Int32 = 10_000) throws -> [String: Int] {
        let wanted = Set(names)
        return try withMetadata(timeoutMs: timeoutMs) { topics in
            var counts: [String: Int] = [:]
            for topic in topics where topic.err == RD_KAFKA_RESP_ERR_NO_ERROR {
                let name = String(cString: topic.topic)
                if wanted.contains(name) { counts[name] = Int(topic.partition_cnt) }
            }
            return counts
        }
    }

    /// Names of all topics, sorted (internal ones such as `__consumer_offsets` included).
    public func listTopics(timeoutMs: Int32 = 10_000) throws -> [String] {
        try withMetadata(timeoutMs: timeoutMs) { topics in
            topics.filter { $0.err == RD_KAFKA_RESP_ERR_NO_ERROR }.map { String(cString: $0.topic) }.sorted()
        }
    }

    // MARK: - Internals

    private func withLiveHandle<R>(_ body: (OpaquePointer) throws -> R) throws -> R {
        try closed.withLock { closed in
            guard !closed else { throw KafkaError.invalidState("the admin client is closed") }
            return try body(handle.pointer)
        }
    }

    private func withMetadata<R>(
        timeoutMs: Int32, _ body: (UnsafeBufferPointer<rd_kafka_metadata_topic>) throws -> R
    ) throws -> R {
        try withLiveHandle { pointer in
            var metadata: UnsafePointer<rd_kafka_metadata>?
            let error = rd_kafka_metadata(pointer, 1, nil, &metadata, timeoutMs)
            guard error == RD_KAFKA_RESP_ERR_NO_ERROR, let metadata else { throw KafkaError(code: error) }
            defer { rd_kafka_metadata_destroy(metadata) }
            return try body(UnsafeBufferPointer(start: metadata.pointee.topics, count: Int(metadata.pointee.topic_cnt)))
        }
    }

    /// Starts an admin request on a private queue and waits for its result event.
    private func runAdminRequest<R>(
        _ pointer: OpaquePointer, operation: rd_kafka_admin_op_t, resultType: Int32, name: String, timeoutMs: Int32,
        start: (_ options: OpaquePointer, _ queue: OpaquePointer) -> Void, read: (OpaquePointer) -> R
    ) throws -> R {
        let queue = rd_kafka_queue_new(pointer)!
        defer { rd_kafka_queue_destroy(queue) }
        let options = rd_kafka_AdminOptions_new(pointer, operation)!
        defer { rd_kafka_AdminOptions_destroy(options) }
        _ = ErrorBuffer.with { rd_kafka_AdminOptions_set_request_timeout(options, timeoutMs, $0, $1) }
        // Also wait for the broker to finish creating/deleting, so the topic is usable on return.
        _ = ErrorBuffer.with { rd_kafka_AdminOptions_set_operation_timeout(options, timeoutMs, $0, $1) }
        start(options, queue)
        // librdkafka enforces the request timeout itself; the margin only guards against a lost event.
        guard let event = rd_kafka_queue_poll(queue, timeoutMs + 5_000) else {
            throw KafkaError.timedOut(operation: name, timeoutMs: Int(timeoutMs))
        }
        defer { rd_kafka_event_destroy(event) }
        let error = rd_kafka_event_error(event)
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaError(code: error, message: rd_kafka_event_error_string(event).map { String(cString: $0) })
        }
        guard rd_kafka_event_type(event) == resultType else {
            throw KafkaError.invalidState("\(name): unexpected admin event type \(rd_kafka_event_type(event))")
        }
        return read(event)
    }

    private static func topicResults(_ topics: UnsafeMutablePointer<OpaquePointer?>?, count: Int) -> [String: KafkaError?] {
        var results: [String: KafkaError?] = [:]
        for index in 0..<count {
            guard let topic = topics?[index] else { continue }
            let name = String(cString: rd_kafka_topic_result_name(topic))
            let error = rd_kafka_topic_result_error(topic)
            results[name] =
                error == RD_KAFKA_RESP_ERR_NO_ERROR
                ? .some(nil)
                : .some(KafkaError(code: error, message: rd_kafka_topic_result_error_string(topic).map { String(cString: $0) }))
        }
        return results
    }
}
