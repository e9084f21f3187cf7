import Events
import Foundation
import Kafka
import Logging
import Metrics
import Postgres
import Processor
import QueryService
import ServiceLifecycle
import Synchronization

/// The live side of `GET /v1/stream`: one consumer per server reading every streamed topic from its head (no
/// group, nothing committed), handing each batch's records to the clients whose filter wants them, and reading
/// the older records a reconnecting client missed with a consumer of their own.
///
/// The hub never waits for a client (`StreamClient.offer` never blocks: a client too far behind is cut off), so
/// one slow reader costs the others nothing. It polls on a thread of its own.
public final class StreamHub: LiveStream, Service {
    public let streamed: [StreamedTopic]
    public let changes: [StreamedChange]
    public let settings: StreamSettings
    let topics: TopicNames
    let kafka: KafkaConfig
    /// Where the projections announce their changes (nil: no change events).
    let databaseURL: String?
    let logger: Logger

    private struct State {
        /// Next offset the hub hands out, per partition of every streamed topic (complete once `ready`).
        var live = StreamPosition()
        /// First and next offsets each partition has, as the fetch responses last said.
        var kept = StreamPosition()
        var end = StreamPosition()
        var ready = false
        var clients: [Int: StreamClient] = [:]
        var nextID = 0
        var failure: String?
    }
    private let state = Mutex(State())
    private let stopped = Atomic<Bool>(false)
    /// Slots of the replays reading at once (`StreamSettings.maxConcurrentReplays`), waited for on the replay's
    /// own thread.
    private let replaySlots: DispatchSemaphore
    private static let clientsGauge = Gauge(label: "turnstile_stream_clients")

    public init(
        topics: TopicNames, kafka: KafkaConfig, streamed: [StreamedTopic], changes: [StreamedChange] = [], databaseURL: String? = nil,
        settings: StreamSettings = StreamSettings(), logger: Logger
    ) {
        self.topics = topics
        self.kafka = kafka
        self.streamed = streamed
        self.changes = changes
        self.databaseURL = databaseURL
        self.settings = settings
        replaySlots = DispatchSemaphore(value: max(1, settings.maxConcurrentReplays))
        self.logger = logger
    }

    public func run() async throws {
        // Projection changes come by LISTEN (`ProjectionChangeNotice`), delivered as their batches commit.
        let listener = databaseURL.flatMap { url in
            changes.isEmpty ? nil : VersionNotificationListener(databaseURL: url, channel: ProjectionChangeNotice.channel, logger: logger) { [weak self] in
                self?.announce($0)
            }
        }
        defer { listener?.stop() }
        try await withGracefulShutdownHandler {
            try await withTaskCancellationHandler {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await BlockingThread.run(name: "stream-hub") { try self.poll() } }
                    group.addTask {
                        while !self.stopped.load(ordering: .relaxed) {
                            try? await Task.sleep(for: self.settings.heartbeat)
                            for client in self.state.withLock({ Array($0.clients.values) }) { client.heartbeat() }
                        }
                    }
                    try await group.next()
                    self.stop()
                    // The heartbeat's sleep ends now, not a heartbeat later.
                    group.cancelAll()
                    try await group.waitForAll()
                }
            } onCancel: {
                self.stop()
            }
        } onGracefulShutdown: {
            self.stop()
        }
    }

    /// Stops polling and ends every client's stream (so that the HTTP server's graceful shutdown is not held by them).
    public func stop() {
        stopped.store(true, ordering: .relaxed)
        for client in state.withLock({ Array($0.clients.values) }) { client.end(.shutdown) }
    }

    /// Hands a projection's change notice to the clients that want it.
    func announce(_ notification: PGNotification) {
        guard let notice = ProjectionChangeNotice(payload: notification.payload) else { return }
        for change in changes where change.projection == notice.projection {
            for client in state.withLock({ Array($0.clients.values) }) {
                if let subjects = client.filter.wanted(change, keys: notice.keys) { client.announce(change, subjects: subjects) }
            }
        }
    }

    /// Clients connected now.
    public var clientCount: Int { state.withLock { $0.clients.count } }

    /// Whether the hub reads the head of every streamed partition (clients can connect).
    public var isReady: Bool { state.withLock { $0.ready } }

    // MARK: LiveStream

    public func connect(filter: StreamFilter, lastEventID: String?) async throws(QueryError) -> StreamConnection {
        let deadline = ContinuousClock.now + .seconds(10)
        while !isReady {
            if let failure = state.withLock({ $0.failure }) {
                throw QueryError(status: .serviceUnavailable, code: "unavailable", message: "the stream cannot read the broker (\(failure)); try again later")
            }
            guard ContinuousClock.now < deadline, !stopped.load(ordering: .relaxed) else {
                throw QueryError(status: .serviceUnavailable, code: "unavailable", message: "the stream is still finding the head of its topics; try again in a few seconds")
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
        let registered = state.withLock { s -> (StreamClient, StreamPosition, StreamPosition, StreamPosition, Int)? in
            guard s.clients.count < settings.maxClients else { return nil }
            s.nextID += 1
            let client = StreamClient(id: s.nextID, filter: filter, limit: settings.clientBuffer)
            s.clients[client.id] = client
            return (client, s.live.restricted(to: filter.topics), s.kept, s.end, s.clients.count)
        }
        guard let (client, live, kept, end, count) = registered else {
            throw QueryError(status: .serviceUnavailable, code: "unavailable", message: "the stream serves \(settings.maxClients) clients already; try again later")
        }
        Self.clientsGauge.record(count)
        let plan = StreamResumePlan.decide(id: lastEventID, topics: filter.topics, live: live, kept: kept, end: end, maxReplay: settings.maxReplay)
        if case .reset(let reason) = plan {
            logger.info("stream client reset", metadata: ["client": "\(client.id)", "reason": "\(reason)"])
        }
        return StreamConnection(client: client, live: live, plan: plan)
    }

    public func disconnect(_ client: StreamClient) {
        client.end(.shutdown)
        let count = state.withLock { s in
            s.clients[client.id] = nil
            return s.clients.count
        }
        Self.clientsGauge.record(count)
    }

    public func replay(_ ranges: [StreamResumePlan.Range], filter: StreamFilter) -> AsyncThrowingStream<[StreamRecord], any Error> {
        let (kafka, topics, logger) = (self.kafka, self.topics, self.logger)
        let (names, types, slots) = (self.names, self.declaredTypes, self.replaySlots)
        return AsyncThrowingStream { continuation in
            let cancelled = ReplayCancellation()
            continuation.onTermination = { _ in cancelled.flag.store(true, ordering: .relaxed) }
            let thread = Thread {
                // Its turn, unless the client leaves first.
                while slots.wait(timeout: .now() + .milliseconds(200)) == .timedOut {
                    guard !cancelled.flag.load(ordering: .relaxed) else { return continuation.finish() }
                }
                defer { slots.signal() }
                do {
                    try Self.read(ranges, kafka: kafka, topics: topics, names: names, types: types, filter: filter, logger: logger, cancelled: { cancelled.flag.load(ordering: .relaxed) }) {
                        continuation.yield($0)
                    }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            thread.name = "stream-replay"
            thread.start()
        }
    }

    // MARK: Reading

    /// Deployment topic name → streamed topic.
    private var names: [String: Topic] {
        Dictionary(uniqueKeysWithValues: streamed.map { (topics[$0.topic], $0.topic) })
    }

    /// The event types each streamed topic declares.
    private var declaredTypes: [Topic: Set<String>] {
        Dictionary(uniqueKeysWithValues: streamed.map { ($0.topic, Set($0.eventTypes)) })
    }

    /// The stream record of a message of a streamed topic (nil: a type the topic does not declare, which is
    /// not forwarded).
    static func record(_ message: KafkaMessage, topic: Topic, types: Set<String>) -> StreamRecord? {
        guard let header = message.headers.first(where: { $0.key == EventEnvelope.typeHeader })?.value else { return nil }
        let type = String(decoding: header, as: UTF8.self)
        guard types.contains(type) else { return nil }
        return StreamRecord(
            topic: topic, partition: message.partition, offset: message.offset, subject: StreamRecord.subject(ofKey: message.key ?? []),
            type: type, value: message.value)
    }

    private func poll() throws {
        let (names, types) = (self.names, self.declaredTypes)
        let consumer: KafkaConsumer
        var partitions: [KafkaTopicPartition] = []
        do {
            let admin = try KafkaAdmin(config: kafka, logger: logger)
            defer { admin.close() }
            let counts = try admin.describeTopics(Array(names.keys))
            for (name, count) in counts { for p in 0..<count { partitions.append(KafkaTopicPartition(topic: name, partition: Int32(p))) } }
            // An idle partition's fetch waits this long at the broker: the stream's latency floor (librdkafka's 500 ms
            // default would be half a second of it).
            var config = kafka
            if config["fetch.wait.max.ms"] == nil { config["fetch.wait.max.ms"] = "50" }
            consumer = try KafkaConsumer(
                config: config, groupID: "turnstile-stream-\(UUID().uuidString.prefix(8))", rebalance: StartAtBeginning(), logger: logger)
            // The head: some brokers answer "latest" wrongly (see the notes), so the head is taken from the first
            // fetch response instead, and the partition moved there.
            try consumer.assign(Dictionary(uniqueKeysWithValues: partitions.map { ($0, KafkaOffset.end) }))
        } catch {
            state.withLock { $0.failure = "\(error)" }
            throw error
        }
        defer { consumer.close() }
        var start: [KafkaTopicPartition: Int64] = [:]
        var lastMarks = ContinuousClock.now
        while !stopped.load(ordering: .relaxed) {
            // A batch never passes a client's bound by itself: only falling behind does.
            let messages = try consumer.poll(maxMessages: min(1_000, settings.clientBuffer), timeoutMs: 100)
            if start.count < partitions.count {
                for tp in partitions where start[tp] == nil {
                    guard let marks = consumer.watermarks(tp) else { continue }
                    start[tp] = marks.high
                    if (consumer.position(tp) ?? 0) < marks.high { try consumer.seek(tp, to: marks.high) }
                }
                if start.count == partitions.count {
                    state.withLock { s in
                        s.live = Self.position(partitions, names: names) { start[$0]! }
                        s.ready = true
                    }
                    logger.info("stream reads the head of its topics", metadata: ["partitions": "\(partitions.count)"])
                }
            }
            var records: [StreamRecord] = []
            var moved: [(Topic, Int32, Int64)] = []
            for message in messages {
                guard let topic = names[message.topic], let first = start[message.topicPartition], message.offset >= first else { continue }
                moved.append((topic, message.partition, message.offset + 1))
                if let record = Self.record(message, topic: topic, types: types[topic]!) { records.append(record) }
            }
            if !moved.isEmpty {
                state.withLock { s in
                    for (topic, partition, next) in moved where Int(partition) < (s.live.offsets[topic]?.count ?? 0) {
                        s.live.offsets[topic]![Int(partition)] = max(s.live.offsets[topic]![Int(partition)], next)
                    }
                    for client in s.clients.values where !client.offer(records.filter(client.filter.matches), then: s.live) {
                        // Cut off (too far behind): its writer sends why and disconnects; the hub forgets it now.
                        s.clients[client.id] = nil
                    }
                }
            }
            if ContinuousClock.now - lastMarks > .seconds(1) {
                lastMarks = .now
                let kept = Self.position(partitions, names: names) { consumer.watermarks($0)?.low ?? 0 }
                let end = Self.position(partitions, names: names) { consumer.watermarks($0)?.high ?? Int64.max }
                state.withLock { s in
                    s.kept = kept
                    s.end = end
                }
            }
        }
    }

    private static func position(_ partitions: [KafkaTopicPartition], names: [String: Topic], _ value: (KafkaTopicPartition) -> Int64) -> StreamPosition {
        var offsets: [Topic: [Int64]] = [:]
        for tp in partitions {
            guard let topic = names[tp.topic] else { continue }
            var list = offsets[topic] ?? []
            while list.count <= Int(tp.partition) { list.append(0) }
            list[Int(tp.partition)] = value(tp)
            offsets[topic] = list
        }
        return StreamPosition(offsets)
    }

    /// Reads `ranges` with a consumer of its own, yielding what `filter` keeps in chunks.
    static func read(
        _ ranges: [StreamResumePlan.Range], kafka: KafkaConfig, topics: TopicNames, names: [String: Topic], types: [Topic: Set<String>],
        filter: StreamFilter, logger: Logger, cancelled: () -> Bool, yield: ([StreamRecord]) -> Void
    ) throws {
        guard !ranges.isEmpty else { return }
        var wanted: [KafkaTopicPartition: StreamResumePlan.Range] = [:]
        for r in ranges { wanted[KafkaTopicPartition(topic: topics[r.topic], partition: r.partition)] = r }
        let consumer = try KafkaConsumer(
            config: kafka, groupID: "turnstile-stream-replay-\(UUID().uuidString.prefix(8))", rebalance: StartAtBeginning(), logger: logger)
        defer { consumer.close() }
        try consumer.assign(wanted.mapValues(\.from))
        var next = wanted.mapValues(\.from)
        let deadline = ContinuousClock.now + .seconds(30)
        while next.contains(where: { $0.value < wanted[$0.key]!.to }) {
            guard !cancelled() else { return }
            guard ContinuousClock.now < deadline else { throw StreamReplayTimeout() }
            let messages = try consumer.poll(maxMessages: 2_000, timeoutMs: 100)
            var chunk: [StreamRecord] = []
            for message in messages {
                let tp = message.topicPartition
                guard let range = wanted[tp], let expected = next[tp], message.offset < range.to, message.offset >= expected else { continue }
                // Offsets of these topics have no holes (no compaction, no transactions): a jump is records dropped.
                guard message.offset == expected else { throw StreamReplayGap(range: range, firstKept: message.offset) }
                next[tp] = message.offset + 1
                guard let topic = names[message.topic], let record = record(message, topic: topic, types: types[topic] ?? [])
                else { continue }
                if filter.matches(record) { chunk.append(record) }
            }
            if !chunk.isEmpty { yield(chunk) }
        }
    }
}

/// A replay that did not reach its end in time (the broker is away): the client reconnects and tries again.
public struct StreamReplayTimeout: Error, CustomStringConvertible {
    public var description: String { "the missed events could not be read from the broker in 30 s" }
}

/// Set when the client whose replay this is has gone.
private final class ReplayCancellation: Sendable {
    let flag = Atomic<Bool>(false)
}
