import CRDKafka
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A group consumer meant to be driven by ONE dedicated thread: `poll` blocks in librdkafka, and the
/// rebalance listener, error and statistics callbacks all run inside `poll` (or `close`) on that thread.
///
/// `@unchecked Sendable` so the consumer can be created on one thread and handed to its polling thread:
/// the rd_kafka_t handle is thread-safe per librdkafka docs; the lifecycle state is guarded by the
/// `lifecycle` mutex, which is also held around every short handle use so `close` cannot destroy the
/// handle underneath it; `poll` and `close` (the calls that run callbacks) are serialised by the
/// `polling` mutex, which also guards the topic-name cache.
public final class KafkaConsumer: @unchecked Sendable {
    /// initialized → subscribed (or assigned) → closing → closed. `poll` needs `subscribed` or `assigned`;
    /// nothing works once `closed`.
    public enum State: Sendable, Equatable {
        case initialized, subscribed, assigned, closing, closed
    }

    /// Applied before the user's configuration, which overrides any of them.
    public static let defaultProperties: [String: String] = [
        // The runtime stores its offsets in its own database; commits are advisory.
        "enable.auto.commit": "false",
        "auto.offset.reset": "earliest",
        "enable.partition.eof": "false",
        // librdkafka's default (100 000) makes a fast consumer stall on fetch.queue.backoff.ms (1 s) once
        // the prefetch queue fills: measured ~180 k/s vs ~1.2 M/s with 1 000 000.
        "queued.min.messages": "1000000",
    ]

    private struct PollState {
        /// Topic name per `rd_kafka_topic_t`, to avoid building a String for every message.
        var topicNames: [OpaquePointer: String] = [:]
    }

    private let handle: RDKafkaHandle
    private let context: ClientContext
    private let rebalance: RebalanceHandler
    private let logger: Logger
    private let lifecycle = Mutex(State.initialized)
    private let polling = Mutex(PollState())

    /// - Parameters:
    ///   - groupID: the consumer group (`group.id`); overrides one given in `config`.
    ///   - rebalance: asked for start offsets on every assignment, told before every revocation.
    ///   - statistics: called inside `poll` every `statistics.interval.ms` (when set).
    public init(
        config: KafkaConfig, groupID: String, rebalance listener: any KafkaRebalanceListener, logger: Logger,
        statistics: (@Sendable (KafkaStatistics) -> Void)? = nil
    ) throws {
        guard !groupID.isEmpty else { throw KafkaError.invalidArgument("a consumer needs a non-empty group id") }
        var properties = config.overriding(Self.defaultProperties)
        properties["group.id"] = groupID
        let rebalance = RebalanceHandler(listener: listener, logger: logger)
        let context = ClientContext(logger: logger, rebalanceHandler: rebalance, statisticsHandler: statistics)
        let handle = try RDKafkaHandle.make(type: RD_KAFKA_CONSUMER, properties: properties, context: context) {
            conf in
            ClientContext.installErrorCallback(on: conf)
            ClientContext.installRebalanceCallback(on: conf)
            ClientContext.installOffsetCommitCallback(on: conf)
            if statistics != nil { ClientContext.installStatisticsCallback(on: conf) }
        }
        // One queue for everything: errors, statistics and rebalances are then served by
        // rd_kafka_consumer_poll on the polling thread, interleaved with messages in order.
        let error = rd_kafka_poll_set_consumer(handle.pointer)
        guard error == RD_KAFKA_RESP_ERR_NO_ERROR else {
            handle.destroy()
            throw KafkaError(code: error)
        }
        self.handle = handle
        self.context = context
        self.rebalance = rebalance
        self.logger = logger
    }

    deinit {
        close()
    }

    public var state: State { lifecycle.withLock { $0 } }

    /// The fatal error librdkafka raised, if any: the consumer must then be recreated.
    public var fatalError: KafkaError? { context.fatalError }

    /// Subscribes to `topics` (replacing an earlier subscription). Assignments follow through the
    /// rebalance listener during `poll`.
    public func subscribe(_ topics: [String]) throws {
        try lifecycle.withLock { state in
            guard state == .initialized || state == .subscribed else {
                throw KafkaError.invalidState("cannot subscribe a consumer that is \(state)")
            }
            let error = TopicPartitionList.with(topics.map { KafkaTopicPartition(topic: $0, partition: -1) }) {
                rd_kafka_subscribe(handle.pointer, $0)
            }
            guard error == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(code: error) }
            state = .subscribed
        }
    }

    /// Reads exactly `starts` (partition → first offset, or a `KafkaOffset` constant) without joining a group:
    /// no rebalance ever happens and the listener is never called. A rebuild reads every partition this way,
    /// beside the live group, without disturbing it.
    public func assign(_ starts: [KafkaTopicPartition: Int64]) throws {
        try lifecycle.withLock { state in
            guard state == .initialized || state == .assigned else {
                throw KafkaError.invalidState("cannot assign partitions to a consumer that is \(state)")
            }
            let error = TopicPartitionList.with(starts.map { (partition: $0.key, offset: $0.value) }) {
                rd_kafka_assign(handle.pointer, $0)
            }
            guard error == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(code: error) }
            state = .assigned
        }
    }

    /// Stops fetching `partitions` (their position is kept) until `resume`.
    public func pause(_ partitions: [KafkaTopicPartition]) throws {
        guard !partitions.isEmpty else { return }
        try withLiveHandle { pointer in
            let error = TopicPartitionList.with(partitions) { rd_kafka_pause_partitions(pointer, $0) }
            guard error == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(code: error) }
        }
    }

    /// Fetches paused `partitions` again, from their kept position.
    public func resume(_ partitions: [KafkaTopicPartition]) throws {
        guard !partitions.isEmpty else { return }
        try withLiveHandle { pointer in
            let error = TopicPartitionList.with(partitions) { rd_kafka_resume_partitions(pointer, $0) }
            guard error == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(code: error) }
        }
    }

    /// Returns up to `maxMessages` messages: waits up to `timeoutMs` for the first, then takes only what is
    /// already prefetched. Blocks the calling thread; rebalance and other callbacks run inside.
    ///
    /// Throws a fatal client error, an authorization error, or the rebalance listener's failure (on every
    /// call from then on: the consumer must be recreated). Other consumer errors (broker down, ...) are
    /// transient: logged, and librdkafka recovers by itself.
    public func poll(maxMessages: Int, timeoutMs: Int32) throws -> [KafkaMessage] {
        var messages: [KafkaMessage] = []
        messages.reserveCapacity(min(maxMessages, 4096))
        try poll(
            max: maxMessages, timeoutMs: timeoutMs, count: { messages.count },
            take: { message, topicNames in
                messages.append(Self.convert(message, topicNames: &topicNames))
            },
            dropRevoked: { revoked in messages.removeAll { revoked.contains($0.topicPartition) } })
        return messages
    }

    /// As `poll(maxMessages:timeoutMs:)`, appending up to `maxRecords` records to `batch`, their keys and
    /// values into its one buffer and without headers (librdkafka parses a record's headers on first access:
    /// ~5 % of a projection worker's CPU): the projection worker's hot path. A revocation
    /// inside this call also drops the records `batch` already held for the revoked partitions.
    public func poll(into batch: inout KafkaRecordBatch, maxRecords: Int, timeoutMs: Int32) throws {
        let limit = batch.count + maxRecords
        try poll(
            max: limit, timeoutMs: timeoutMs, count: { batch.count },
            take: { message, topicNames in
                let raw = message.pointee
                var timestampType = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
                let timestamp = rd_kafka_message_timestamp(message, &timestampType)
                batch.append(
                    topic: Self.topicName(of: message, cache: &topicNames), partition: raw.partition, offset: raw.offset,
                    timestampMs: timestampType != RD_KAFKA_TIMESTAMP_NOT_AVAILABLE && timestamp >= 0 ? timestamp : nil,
                    key: raw.key.map { UnsafeRawBufferPointer(start: $0, count: raw.key_len) },
                    value: UnsafeRawBufferPointer(start: raw.payload, count: raw.payload == nil ? 0 : raw.len))
            },
            dropRevoked: { revoked in batch.removeRecords { revoked.contains($0.topicPartition) } })
    }

    /// The poll loop both forms share: waits up to `timeoutMs` for the first message, then takes what is
    /// prefetched until `count()` reaches `max`, and drops what a revocation inside the call made stale.
    private func poll(
        max: Int, timeoutMs: Int32, count: () -> Int,
        take: (UnsafeMutablePointer<rd_kafka_message_t>, inout [OpaquePointer: String]) -> Void,
        dropRevoked: (Set<KafkaTopicPartition>) -> Void
    ) throws {
        precondition(max > count(), "poll needs room for at least one message")
        try polling.withLock { pollState in
            let current = lifecycle.withLock { $0 }
            guard current == .subscribed || current == .assigned else {
                throw KafkaError.invalidState("poll needs a subscribed or assigned consumer; this one is \(current)")
            }
            if let failure = rebalance.failure { throw failure }
            _ = rebalance.takeRevoked()
            var revocationCount = rebalance.revocationCount
            var timeout = timeoutMs
            while count() < max, let message = rd_kafka_consumer_poll(handle.pointer, timeout) {
                defer { rd_kafka_message_destroy(message) }
                timeout = 0
                if revocationCount != rebalance.revocationCount {
                    // A revocation ran inside that poll call: messages collected before it belong to a
                    // previous assignment that the listener has already flushed. Drop them; their new
                    // owner (or our next assignment) starts from the stored offsets.
                    revocationCount = rebalance.revocationCount
                    dropRevoked(rebalance.takeRevoked())
                }
                if message.pointee.err == RD_KAFKA_RESP_ERR_NO_ERROR {
                    take(message, &pollState.topicNames)
                } else {
                    try handleError(of: message)
                }
            }
            if let failure = rebalance.failure { throw failure }
            if revocationCount != rebalance.revocationCount { dropRevoked(rebalance.takeRevoked()) }
        }
    }

    /// Commits `offsets` (the NEXT offsets to read) for the group. Advisory: the runtime's own database is
    /// the source of truth, so the default is asynchronous and failures are only logged.
    public func commit(_ offsets: [KafkaTopicPartition: Int64], async: Bool = true) throws {
        guard !offsets.isEmpty else { return }
        try withLiveHandle { pointer in
            let error = TopicPartitionList.with(offsets.map { (partition: $0.key, offset: $0.value) }) {
                rd_kafka_commit(pointer, $0, async ? 1 : 0)
            }
            guard error == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(code: error) }
        }
    }

    /// The partitions currently assigned to this consumer.
    public func assignment() -> [KafkaTopicPartition] {
        (try? withLiveHandle { pointer in
            var list: TopicPartitionList.Native?
            guard rd_kafka_assignment(pointer, &list) == RD_KAFKA_RESP_ERR_NO_ERROR, let list else { return [] }
            defer { rd_kafka_topic_partition_list_destroy(list) }
            return TopicPartitionList.partitions(of: list)
        }) ?? []
    }

    /// The partition's high watermark (offset of the next message to be written) as last seen in fetch
    /// responses; nil before the first fetch. Deliberately not a ListOffsets query: cached values cost
    /// nothing, and some brokers (Tansu) answer ListOffsets "latest" wrongly.
    public func highWatermark(_ partition: KafkaTopicPartition) -> Int64? {
        try? withLiveHandle { pointer in
            var low: Int64 = -1
            var high: Int64 = -1
            let error = rd_kafka_get_watermark_offsets(pointer, partition.topic, partition.partition, &low, &high)
            return error == RD_KAFKA_RESP_ERR_NO_ERROR && high >= 0 ? high : nil
        }
    }

    /// The broker's answer to "the first offset whose timestamp is at or after `ms`" per partition (ListOffsets
    /// by timestamp); nil when no record is that late. Not every broker answers it right (Tansu answers 0 for
    /// every time): verify the answer against the records (`TimeSeek` in the Replay module does).
    public func offsetsForTimes(_ times: [KafkaTopicPartition: Int64], timeoutMs: Int32 = 10_000) throws -> [KafkaTopicPartition: Int64?] {
        guard !times.isEmpty else { return [:] }
        return try withLiveHandle { pointer in
            try TopicPartitionList.with(times.map { (partition: $0.key, offset: $0.value) }) { list in
                let error = rd_kafka_offsets_for_times(pointer, list, timeoutMs)
                guard error == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(code: error) }
                var answers: [KafkaTopicPartition: Int64?] = [:]
                for index in 0..<Int(list.pointee.cnt) {
                    let element = list.pointee.elems[index]
                    let tp = KafkaTopicPartition(topic: String(cString: element.topic), partition: element.partition)
                    guard element.err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(code: element.err) }
                    answers[tp] = element.offset >= 0 ? element.offset : nil
                }
                return answers
            }
        }
    }

    /// The partition's low and high watermarks (first offset kept, next offset to be written) as last seen in
    /// fetch responses; nil before the first fetch.
    public func watermarks(_ partition: KafkaTopicPartition) -> (low: Int64, high: Int64)? {
        try? withLiveHandle { pointer in
            var low: Int64 = -1
            var high: Int64 = -1
            let error = rd_kafka_get_watermark_offsets(pointer, partition.topic, partition.partition, &low, &high)
            return error == RD_KAFKA_RESP_ERR_NO_ERROR && high >= 0 ? (max(0, low), high) : nil
        }
    }

    /// The offset of the next message `poll` will return for `partition`; nil when unknown.
    public func position(_ partition: KafkaTopicPartition) -> Int64? {
        try? withLiveHandle { pointer in
            TopicPartitionList.with([partition]) { list -> Int64? in
                guard rd_kafka_position(pointer, list) == RD_KAFKA_RESP_ERR_NO_ERROR,
                    list.pointee.elems[0].err == RD_KAFKA_RESP_ERR_NO_ERROR
                else { return nil }
                let offset = list.pointee.elems[0].offset
                return offset >= 0 ? offset : nil
            }
        }
    }

    /// Moves an assigned partition's position to `offset` (or a `KafkaOffset` constant).
    public func seek(_ partition: KafkaTopicPartition, to offset: Int64, timeoutMs: Int32 = 10_000) throws {
        try withLiveHandle { pointer in
            try TopicPartitionList.with([(partition: partition, offset: offset)]) { list in
                if let error = rd_kafka_seek_partitions(pointer, list, timeoutMs) { throw KafkaError(consuming: error) }
                let partitionError = list.pointee.elems[0].err
                guard partitionError == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(code: partitionError) }
            }
        }
    }

    /// Leaves the group (the listener's `partitionsRevoked` runs here, on the calling thread), then
    /// destroys the handle. Waits for a `poll` in progress. Idempotent. Must not be called from the listener.
    public func close() {
        let proceed = lifecycle.withLock { state -> Bool in
            switch state {
            case .closing, .closed: return false
            case .initialized, .subscribed, .assigned:
                state = .closing
                return true
            }
        }
        guard proceed else { return }
        polling.withLock { _ in
            let error = rd_kafka_consumer_close(handle.pointer)
            if error != RD_KAFKA_RESP_ERR_NO_ERROR {
                logger.warning("Kafka consumer close reported an error", metadata: ["error": "\(KafkaError(code: error))"])
            }
        }
        lifecycle.withLock { state in
            handle.destroy()
            state = .closed
        }
    }

    // MARK: - Internals

    /// Runs a short call on the handle while holding the lifecycle lock, so `close` cannot destroy it meanwhile.
    private func withLiveHandle<R>(_ body: (OpaquePointer) throws -> R) throws -> R {
        try lifecycle.withLock { state in
            guard state != .closed else { throw KafkaError.invalidState("the consumer is closed") }
            return try body(handle.pointer)
        }
    }

    private func handleError(of message: UnsafeMutablePointer<rd_kafka_message_t>) throws {
        let code = message.pointee.err
        if code == RD_KAFKA_RESP_ERR__PARTITION_EOF { return }
        if code == RD_KAFKA_RESP_ERR__FATAL {
            let (original, reason) = ErrorBuffer.with { rd_kafka_fatal_error(handle.pointer, $0, $1) }
            throw KafkaError(code: original, message: reason, isFatal: true)
        }
        let error = KafkaError(code: code, message: String(cString: rd_kafka_message_errstr(message)))
        let topic = message.pointee.rkt.map { String(cString: rd_kafka_topic_name($0)) } ?? "-"
        switch KafkaErrorCode(code) {
        case .topicAuthorizationFailed, .groupAuthorizationFailed, .clusterAuthorizationFailed:
            throw error
        default:
            logger.warning(
                "Kafka consumer error",
                metadata: ["topic": "\(topic)", "partition": "\(message.pointee.partition)", "error": "\(error)"])
        }
    }

    /// The message's topic name, from a cache keyed by librdkafka's topic object: one String per topic, not
    /// per message.
    private static func topicName(
        of message: UnsafeMutablePointer<rd_kafka_message_t>, cache topicNames: inout [OpaquePointer: String]
    ) -> String {
        guard let rkt = message.pointee.rkt, let name = rd_kafka_topic_name(rkt) else { return "" }
        // librdkafka may reuse a freed topic object's address for another topic: confirm the name.
        if let cached = topicNames[rkt], cached.withCString({ strcmp($0, name) == 0 }) { return cached }
        let topic = String(cString: name)
        topicNames[rkt] = topic
        return topic
    }

    /// Copies everything out of librdkafka's message so the result owns its memory.
    private static func convert(
        _ message: UnsafeMutablePointer<rd_kafka_message_t>, topicNames: inout [OpaquePointer: String]
    ) -> KafkaMessage {
        let raw = message.pointee
        let topic = topicName(of: message, cache: &topicNames)
        var headers: [KafkaHeader] = []
        var nativeHeaders: OpaquePointer?
        if rd_kafka_message_headers(message, &nativeHeaders) == RD_KAFKA_RESP_ERR_NO_ERROR, let nativeHeaders {
            let count = rd_kafka_header_cnt(nativeHeaders)
            headers.reserveCapacity(count)
            for index in 0..<count {
                var name: UnsafePointer<CChar>?
                var value: UnsafeRawPointer?
                var size = 0
                guard rd_kafka_header_get_all(nativeHeaders, index, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR,
                    let name
                else { continue }
                headers.append(KafkaHeader(key: String(cString: name), value: ByteBuffers.copy(value, count: size)))
            }
        }
        var timestampType = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
        let timestamp = rd_kafka_message_timestamp(message, &timestampType)
        return KafkaMessage(
            topic: topic, partition: raw.partition, offset: raw.offset,
            key: ByteBuffers.copy(raw.key, count: raw.key_len),
            value: ByteBuffers.copy(raw.payload, count: raw.len) ?? [],
            headers: headers,
            timestampMs: timestampType != RD_KAFKA_TIMESTAMP_NOT_AVAILABLE && timestamp >= 0 ? timestamp : nil)
    }
}
