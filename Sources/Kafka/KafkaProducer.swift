import CRDKafka
import Foundation
import Logging
import Synchronization

/// A Kafka producer. Delivery reports arrive on the producer's own poll thread, which completes each
/// `send` batch once all of its messages are acknowledged (or failed).
///
/// `@unchecked Sendable`: the rd_kafka_t handle is thread-safe per librdkafka docs; all mutable Swift
/// state (lifecycle, in-progress uses, topic handle cache) is guarded by the `state` mutex, and `close`
/// waits for in-progress uses before destroying the handle.
public final class KafkaProducer: @unchecked Sendable {
    /// Applied before the user's configuration, which overrides any of them.
    public static let defaultProperties: [String: String] = [
        "enable.idempotence": "true",
        "compression.type": "lz4",
        // librdkafka's 5 ms is added whole to every lone event (a lap on a live timing feed); 1 ms still
        // fills batches under load, because records queue behind the requests in flight anyway.
        "linger.ms": "1",
        "acks": "all",
    ]

    private struct State {
        var isClosed = false
        /// Calls currently using the handle; `close` waits for them to finish.
        var activeUses = 0
        /// `rd_kafka_topic_t` per topic name, destroyed on close.
        var topics: [String: OpaquePointer] = [:]
    }

    private let handle: RDKafkaHandle
    private let context: ClientContext
    private let pollThread: ProducerPollThread
    private let logger: Logger
    private let state = Mutex(State())

    /// - Parameter statistics: called on the poll thread every `statistics.interval.ms` (when set).
    public init(
        config: KafkaConfig, logger: Logger, statistics: (@Sendable (KafkaStatistics) -> Void)? = nil
    ) throws {
        let context = ClientContext(logger: logger, statisticsHandler: statistics)
        self.handle = try RDKafkaHandle.make(
            type: RD_KAFKA_PRODUCER, properties: config.overriding(Self.defaultProperties), context: context
        ) { conf in
            ClientContext.installErrorCallback(on: conf)
            if statistics != nil { ClientContext.installStatisticsCallback(on: conf) }
            rd_kafka_conf_set_dr_msg_cb(conf) { _, message, _ in
                if let message { DeliveryBatch.deliveryReport(message) }
            }
        }
        self.context = context
        self.logger = logger
        self.pollThread = ProducerPollThread(handle: handle, name: "producer-poll")
    }

    deinit {
        close()
    }

    // MARK: - Sending

    /// Produces all `messages` and calls `completion` once, when every delivery report arrived, with the
    /// results in input order. The completion normally runs on the poll thread (on the calling thread if
    /// the last message failed before reaching librdkafka): keep it short and non-blocking.
    ///
    /// When librdkafka's local queue is full (`queue.buffering.max.messages`/`kbytes`) this call waits
    /// for room (1 ms sleeps) instead of failing: that is the producer's back-pressure. Use the async
    /// overload from Swift concurrency, which suspends instead.
    public func send(
        _ messages: [KafkaOutgoingMessage],
        completion: @escaping @Sendable ([Result<KafkaDeliveryReport, KafkaError>]) -> Void
    ) {
        let batch = DeliveryBatch(messages: messages, completion: completion)
        guard !messages.isEmpty else { return }
        guard enterUse() else { return batch.fail(from: 0, with: .invalidState("the producer is closed")) }
        defer { exitUse() }
        var next = 0
        while let stalled = produce(batch, from: next) {
            next = stalled
            Thread.sleep(forTimeInterval: 0.001)
        }
    }

    /// Produces all `messages` and returns their delivery reports in input order; throws the first failure.
    /// Never blocks a thread: a full local queue suspends the task. Cancellation fails only the messages
    /// not yet handed to librdkafka (with `KafkaError.cancelled`); the others are still awaited.
    public func send(_ messages: [KafkaOutgoingMessage]) async throws -> [KafkaDeliveryReport] {
        let waiter = DeliveryWaiter()
        let batch = DeliveryBatch(messages: messages) { waiter.fulfil($0) }
        if !messages.isEmpty {
            if enterUse() {
                var next = 0
                while let stalled = produce(batch, from: next) {
                    next = stalled
                    do {
                        try await Task.sleep(for: .milliseconds(1))
                    } catch {
                        batch.fail(from: stalled, with: .cancelled)
                        break
                    }
                }
                exitUse()
            } else {
                batch.fail(from: 0, with: .invalidState("the producer is closed"))
            }
        }
        return try await waiter.wait().map { try $0.get() }
    }

    /// Produces all `messages` and blocks the calling thread until every delivery report arrived; throws
    /// the first failure. For dedicated threads (the outbox relay), never for Swift concurrency's pool.
    public func sendAndWait(_ messages: [KafkaOutgoingMessage]) throws -> [KafkaDeliveryReport] {
        let waiter = DeliveryWaiter()
        send(messages) { waiter.fulfil($0) }
        return try waiter.waitBlocking().map { try $0.get() }
    }

    // MARK: - State

    /// Messages not yet acknowledged plus reports and events not yet served (`rd_kafka_outq_len`).
    /// A value that only grows while the broker is up means a stuck producer (e.g. an idempotent producer
    /// looping on UNKNOWN_PRODUCER_ID after a broker lost its state): recreate it.
    public var outstandingCount: Int {
        guard enterUse() else { return 0 }
        defer { exitUse() }
        return Int(rd_kafka_outq_len(handle.pointer))
    }

    /// The fatal error librdkafka raised, if any: the producer is then unusable and must be recreated.
    public var fatalError: KafkaError? { context.fatalError }

    /// Waits (sleeping, while the poll thread serves reports) until everything produced so far is
    /// acknowledged. Returns false on timeout.
    @discardableResult
    public func flush(timeoutMs: Int) -> Bool {
        guard enterUse() else { return true }
        defer { exitUse() }
        return drain(timeoutMs: timeoutMs)
    }

    /// Flushes (up to `timeoutMs`), fails what is still undelivered (`_PURGE_QUEUE`/`_PURGE_INFLIGHT`, so
    /// every waiting caller gets its completion), stops the poll thread and destroys the handle.
    /// Idempotent; later sends fail with `invalidState`.
    public func close(timeoutMs: Int = 10_000) {
        let first = state.withLock { state in
            defer { state.isClosed = true }
            return !state.isClosed
        }
        guard first else { return }
        while state.withLock({ $0.activeUses }) > 0 { Thread.sleep(forTimeInterval: 0.001) }
        if !drain(timeoutMs: timeoutMs) {
            logger.warning(
                "Kafka producer closing with undelivered messages; failing them",
                metadata: ["outstanding": "\(rd_kafka_outq_len(handle.pointer))"])
            rd_kafka_purge(handle.pointer, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT)
            drain(timeoutMs: 5_000)
        }
        pollThread.stop()
        rd_kafka_poll(handle.pointer, 0)  // anything the poll thread left behind
        let topics = state.withLock { state in
            defer { state.topics = [:] }
            return Array(state.topics.values)
        }
        topics.forEach { rd_kafka_topic_destroy($0) }
        handle.destroy()
    }

    // MARK: - Internals

    private func enterUse() -> Bool {
        state.withLock { state in
            if state.isClosed { return false }
            state.activeUses += 1
            return true
        }
    }

    private func exitUse() {
        state.withLock { $0.activeUses -= 1 }
    }

    @discardableResult
    private func drain(timeoutMs: Int) -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(timeoutMs)
        while rd_kafka_outq_len(handle.pointer) > 0 {
            if ContinuousClock.now >= deadline { return false }
            Thread.sleep(forTimeInterval: 0.001)
        }
        return true
    }

    private func topicHandle(_ name: String) -> OpaquePointer? {
        state.withLock { state in
            if let existing = state.topics[name] { return existing }
            let created = rd_kafka_topic_new(handle.pointer, name, nil)
            if let created { state.topics[name] = created }
            return created
        }
    }

    /// Hands messages `start...` to librdkafka. Returns the index of the first message refused because
    /// the local queue is full, or nil when all were handed over (or failed for good and were recorded).
    private func produce(_ batch: DeliveryBatch, from start: Int) -> Int? {
        withUnsafeTemporaryAllocation(of: rd_kafka_vu_t.self, capacity: 8) { buffer in
            let fields = buffer.baseAddress!
            var currentTopic: (name: String, handle: OpaquePointer?)?
            for index in start..<batch.messages.count {
                let message = batch.messages[index]
                if currentTopic?.name != message.topic {
                    currentTopic = (message.topic, topicHandle(message.topic))
                }
                guard let topic = currentTopic?.handle else {
                    batch.record(index, .failure(KafkaError(code: rd_kafka_last_error())))
                    continue
                }
                guard let error = produceOne(message, topic: topic, opaque: batch.opaque(for: index), fields: fields)
                else { continue }
                if rd_kafka_error_code(error) == RD_KAFKA_RESP_ERR__QUEUE_FULL {
                    rd_kafka_error_destroy(error)
                    return index
                }
                batch.record(index, .failure(KafkaError(consuming: error)))
            }
            return nil
        }
    }

    /// One `rd_kafka_produceva` call; returns its `rd_kafka_error_t` (caller destroys) or nil on success.
    private func produceOne(
        _ message: KafkaOutgoingMessage, topic: OpaquePointer, opaque: UnsafeMutableRawPointer,
        fields: UnsafeMutablePointer<rd_kafka_vu_t>
    ) -> OpaquePointer? {
        // Headers go in as one rd_kafka_headers_t: librdkafka copies names and values right away, and the
        // message owns the list on success (we free it on failure).
        var headers: OpaquePointer?
        if !message.headers.isEmpty {
            headers = rd_kafka_headers_new(message.headers.count)
            for header in message.headers {
                ByteBuffers.withOptionalBytes(header.value) { value, size in
                    _ = rd_kafka_header_add(headers, header.key, -1, value, size)
                }
            }
        }
        let error = ByteBuffers.withNonNullBytes(message.value) { value, valueSize in
            ByteBuffers.withOptionalBytes(message.key) { key, keySize -> OpaquePointer? in
                var count = 0
                func add(_ type: rd_kafka_vtype_t, _ fill: (inout rd_kafka_vu_t) -> Void) {
                    fields[count] = rd_kafka_vu_t()
                    fields[count].vtype = type
                    fill(&fields[count])
                    count += 1
                }
                add(RD_KAFKA_VTYPE_RKT) { $0.u.rkt = topic }
                add(RD_KAFKA_VTYPE_PARTITION) { $0.u.i32 = message.partition ?? -1 }  // -1: RD_KAFKA_PARTITION_UA
                add(RD_KAFKA_VTYPE_MSGFLAGS) { $0.u.i = RD_KAFKA_MSG_F_COPY }
                add(RD_KAFKA_VTYPE_VALUE) {
                    $0.u.mem.ptr = UnsafeMutableRawPointer(mutating: value)
                    $0.u.mem.size = valueSize
                }
                if let key {
                    add(RD_KAFKA_VTYPE_KEY) {
                        $0.u.mem.ptr = UnsafeMutableRawPointer(mutating: key)
                        $0.u.mem.size = keySize
                    }
                }
                if let timestamp = message.timestampMs { add(RD_KAFKA_VTYPE_TIMESTAMP) { $0.u.i64 = timestamp } }
                if let headers { add(RD_KAFKA_VTYPE_HEADERS) { $0.u.headers = headers } }
                add(RD_KAFKA_VTYPE_OPAQUE) { $0.u.ptr = opaque }
                return rd_kafka_produceva(handle.pointer, fields, count)
            }
        }
        if error != nil, let headers { rd_kafka_headers_destroy(headers) }
        return error
    }
}
