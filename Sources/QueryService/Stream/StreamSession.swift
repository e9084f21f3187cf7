import Events
import Hummingbird
import Metrics
import NIOCore
import Synchronization

/// Writes one client's stream: the opening event, the replay of what it missed, then its live records until it
/// disconnects, falls too far behind, stalls, or the service stops.
struct StreamSession {
    let connection: StreamConnection
    let settings: StreamSettings

    static let eventsSent = Counter(label: "turnstile_stream_events_sent_total")
    static let droppedSlow = Counter(label: "turnstile_stream_clients_dropped_total", dimensions: [("reason", "slow")])
    static let droppedStalled = Counter(label: "turnstile_stream_clients_dropped_total", dimensions: [("reason", "stalled")])

    func run(
        writer: inout any ResponseBodyWriter, replay: ([StreamResumePlan.Range]) -> AsyncThrowingStream<[StreamRecord], any Error>
    ) async throws {
        let watchdog = WriteWatchdog(timeout: settings.stallTimeout)
        // The task writing this response: the watchdog cancels it when a write waits too long for the client.
        let task = withUnsafeCurrentTask { CurrentTask($0) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                if await watchdog.watch() {
                    Self.droppedStalled.increment()
                    connection.client.end(.stalled)
                    task.cancel()
                }
            }
            defer { group.cancelAll() }
            try await stream(writer: &writer, watchdog: watchdog, replay: replay)
        }
    }

    private func stream(
        writer: inout any ResponseBodyWriter, watchdog: WriteWatchdog,
        replay: ([StreamResumePlan.Range]) -> AsyncThrowingStream<[StreamRecord], any Error>
    ) async throws {
        func send(_ buffer: inout ByteBuffer, events: Int = 0) async throws {
            guard buffer.readableBytes > 0 else { return }
            watchdog.begin()
            try await writer.write(buffer)
            watchdog.end()
            buffer.clear()
            if events > 0 { Self.eventsSent.increment(by: events) }
        }
        let live = connection.live
        var buffer = ByteBuffer()
        ServerSentEvents.appendRetry(milliseconds: settings.retryMilliseconds, to: &buffer)
        var cursor: StreamCursor
        switch connection.plan {
        case .reset(let reason):
            cursor = StreamCursor(live)
            appendReset(reason, cursor: cursor, to: &buffer)
        case .fresh:
            cursor = StreamCursor(live)
            appendReady(cursor: cursor, to: &buffer)
        case .catchUp(let asked, _):
            cursor = StreamCursor(asked)
            appendReady(cursor: cursor, to: &buffer)
        }
        // Back after a while (or reset): whatever state it shows may have changed meanwhile.
        if connection.plan != .fresh {
            for change in connection.client.filter.changes {
                appendChange(change, subject: connection.client.filter.subjects[change.scope], cursor: cursor, to: &buffer)
            }
        }
        try await send(&buffer)

        if case .catchUp(_, let ranges) = connection.plan, !ranges.isEmpty {
            do {
                for try await chunk in replay(ranges) {
                    var n = 0
                    for record in chunk where cursor.admit(record) {
                        appendRecord(record, cursor: cursor, to: &buffer)
                        n += 1
                    }
                    try await send(&buffer, events: n)
                }
                // Everything up to the live start is read: past what the filter skipped too.
                cursor.advance(to: live)
            } catch let gap as StreamReplayGap {
                cursor = StreamCursor(live)
                appendReset(gap.description, cursor: cursor, to: &buffer)
                try await send(&buffer)
            }
        }

        while true {
            switch await connection.client.take() {
            case .failure(let ended):
                if case .overflowed(let limit) = ended.end {
                    Self.droppedSlow.increment()
                    appendDropped(limit: limit, cursor: cursor, to: &buffer)
                    try await send(&buffer)
                }
                return
            case .success(let items):
                var n = 0
                var quiet = false
                for item in items {
                    switch item {
                    case .record(let record):
                        if cursor.admit(record) {
                            appendRecord(record, cursor: cursor, to: &buffer)
                            n += 1
                        }
                    case .position(let position): cursor.advance(to: position)
                    case .heartbeat: quiet = true
                    case .change(let change, let subject):
                        appendChange(change, subject: subject, cursor: cursor, to: &buffer)
                        n += 1
                    }
                }
                if n == 0, quiet { ServerSentEvents.appendComment("heartbeat", to: &buffer) }
                try await send(&buffer, events: n)
            }
        }
    }

    private func appendRecord(_ record: StreamRecord, cursor: StreamCursor, to buffer: inout ByteBuffer) {
        ServerSentEvents.appendEvent(id: cursor.position.encoded, event: record.type, data: record.value, to: &buffer)
    }

    /// `{"projection", "session_id" | "facility_id", "href"}`: the key null (and no href) when any may have changed.
    private func appendChange(_ change: StreamedChange, subject: String?, cursor: StreamCursor, to buffer: inout ByteBuffer) {
        var json = JSONWriter(capacity: 192)
        json.beginObject()
        json.key("projection"); json.string(change.projection)
        json.key(change.scope.rawValue + "_id"); json.optional(subject)
        json.key("href"); json.optional(subject.map { change.path.replacingOccurrences(of: "{id}", with: PercentEncoding.pathSegment($0)) })
        json.endObject()
        ServerSentEvents.appendEvent(id: cursor.position.encoded, event: change.type, data: json.takeBytes(), to: &buffer)
    }

    private func appendReady(cursor: StreamCursor, to buffer: inout ByteBuffer) {
        var json = JSONWriter(capacity: 256)
        json.beginObject()
        json.key("topics")
        json.beginArray()
        for topic in connection.client.filter.topics { json.string(topic.baseName) }
        json.endArray()
        json.endObject()
        ServerSentEvents.appendEvent(id: cursor.position.encoded, event: "ready", data: json.takeBytes(), to: &buffer)
    }

    private func appendReset(_ reason: String, cursor: StreamCursor, to buffer: inout ByteBuffer) {
        var json = JSONWriter(capacity: 256)
        json.beginObject()
        json.key("reason"); json.string(reason)
        json.key("action"); json.string("reload the state you show from the API: the stream goes on from now")
        json.endObject()
        ServerSentEvents.appendEvent(id: cursor.position.encoded, event: "reset", data: json.takeBytes(), to: &buffer)
    }

    private func appendDropped(limit: Int, cursor: StreamCursor, to buffer: inout ByteBuffer) {
        var json = JSONWriter(capacity: 256)
        json.beginObject()
        json.key("reason"); json.string("the client fell more than \(limit) events behind the stream")
        json.key("action"); json.string("reconnect with this event's id as Last-Event-ID: the events missed are replayed")
        json.endObject()
        ServerSentEvents.appendEvent(id: cursor.position.encoded, event: "dropped", data: json.takeBytes(), to: &buffer)
    }
}

/// Notices a write to the client that waits longer than `timeout` (the client stopped reading).
final class WriteWatchdog: Sendable {
    let timeout: Duration
    /// When the pending write began (ns of the suspending clock); 0 when none is pending.
    private let pendingSince = Atomic<Int64>(0)
    private static let clock = SuspendingClock()
    private static let origin = SuspendingClock.now

    init(timeout: Duration) { self.timeout = timeout }

    func begin() { pendingSince.store(Self.nanoseconds(), ordering: .relaxed) }
    func end() { pendingSince.store(0, ordering: .relaxed) }

    private static func nanoseconds() -> Int64 {
        let d = origin.duration(to: .now).components
        return max(1, d.seconds * 1_000_000_000 + d.attoseconds / 1_000_000_000)
    }

    /// Returns true when a write stalled; false when cancelled.
    func watch() async -> Bool {
        let limit = timeout.components.seconds * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000
        let step = min(timeout / 4, .seconds(1))
        while !Task.isCancelled {
            do { try await Task.sleep(for: step, clock: Self.clock) } catch { return false }
            let since = pendingSince.load(ordering: .relaxed)
            if since != 0, Self.nanoseconds() - since > limit { return true }
        }
        return false
    }
}

/// The task writing a response, for its watchdog to cancel.
///
/// `@unchecked Sendable`: `UnsafeCurrentTask` is valid only while its task runs; the one child task it is handed
/// to is structured (it ends before the writing task does), and `cancel` is thread-safe.
struct CurrentTask: @unchecked Sendable {
    private let task: UnsafeCurrentTask?
    init(_ task: UnsafeCurrentTask?) { self.task = task }
    func cancel() { task?.cancel() }
}
