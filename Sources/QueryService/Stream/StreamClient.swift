import Synchronization

/// One connected client of the stream: its filter, and the bounded queue between the hub (which must never wait
/// for it) and the task writing its HTTP response.
///
/// The hub offers each batch's matching records and never blocks: when the queue would pass its bound the client
/// is cut off (the queue is emptied and ends with `.overflowed`), so a slow or stalled client costs the others
/// nothing. Its writer then sends a last `dropped` event, if the connection still takes it.
public final class StreamClient: Sendable {
    public enum Item: Sendable {
        case record(StreamRecord)
        /// The hub's position after a batch: the cursor moves past what the filter skipped.
        case position(StreamPosition)
        /// Nothing happened for a while: a comment keeps proxies from closing the connection.
        case heartbeat
        /// A projection's state changed for `subject` (nil: for any, reload what you show).
        case change(StreamedChange, subject: String?)
    }

    /// Why the stream ended.
    public enum End: Sendable, Equatable {
        /// The client fell more than the bound behind.
        case overflowed(limit: Int)
        /// A write to the client waited too long (it stopped reading).
        case stalled
        /// The service is shutting down.
        case shutdown
    }

    public let id: Int
    public let filter: StreamFilter
    private let limit: Int

    private struct State {
        var items: [Item] = []
        var records = 0
        var end: End?
        var waiter: CheckedContinuation<Void, Never>?
    }
    private let state = Mutex(State())

    public init(id: Int, filter: StreamFilter, limit: Int) {
        self.id = id
        self.filter = filter
        self.limit = limit
    }

    /// Queues a batch's records for the client, then the hub's position after it. Returns false when this cut
    /// the client off (it was already, or it is now over its bound).
    @discardableResult
    public func offer(_ records: [StreamRecord], then position: StreamPosition?) -> Bool {
        let (accepted, waiter) = state.withLock { s -> (Bool, CheckedContinuation<Void, Never>?) in
            guard s.end == nil else { return (false, nil) }
            if s.records + records.count > limit {
                s.items = []
                s.records = 0
                s.end = .overflowed(limit: limit)
            } else {
                for r in records { s.items.append(.record(r)) }
                s.records += records.count
                if let position {
                    // One pending position is enough: the latest.
                    if case .position = s.items.last { s.items.removeLast() }
                    s.items.append(.position(position))
                }
            }
            let w = s.waiter
            s.waiter = nil
            return (s.end == nil, w)
        }
        waiter?.resume()
        return accepted
    }

    /// Queues change events (once each: one pending per change and subject is enough).
    public func announce(_ change: StreamedChange, subjects: [String?]) {
        let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
            guard s.end == nil else { return nil }
            for subject in subjects {
                let pending = s.items.contains {
                    if case .change(let c, let existing) = $0 { return c == change && existing == subject }
                    return false
                }
                if !pending { s.items.append(.change(change, subject: subject)) }
            }
            let w = s.waiter
            s.waiter = nil
            return w
        }
        waiter?.resume()
    }

    /// Queues a heartbeat unless the client has something to send already.
    public func heartbeat() {
        let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
            guard s.end == nil, s.items.isEmpty else { return nil }
            s.items.append(.heartbeat)
            let w = s.waiter
            s.waiter = nil
            return w
        }
        waiter?.resume()
    }

    /// Ends the stream (what is queued is dropped).
    public func end(_ reason: End) {
        let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
            if s.end == nil {
                s.end = reason
                s.items = []
                s.records = 0
            }
            let w = s.waiter
            s.waiter = nil
            return w
        }
        waiter?.resume()
    }

    public var ended: End? { state.withLock { $0.end } }

    /// Everything queued, waiting for something if nothing is; or how the stream ended. Cancellation of the
    /// waiting task is not awaited here: the writer's task ends with its connection.
    public func take() async -> Result<[Item], EndError> {
        while true {
            let taken = state.withLock { s -> Result<[Item], EndError>? in
                if let end = s.end { return .failure(EndError(end: end)) }
                guard !s.items.isEmpty else { return nil }
                let items = s.items
                s.items = []
                s.records = 0
                return .success(items)
            }
            if let taken { return taken }
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let ready = state.withLock { s -> Bool in
                    if s.end != nil || !s.items.isEmpty { return true }
                    s.waiter = continuation
                    return false
                }
                if ready { continuation.resume() }
            }
        }
    }

    public struct EndError: Error, Equatable { public let end: End }
}
