import Logging
import Synchronization

/// A small pool of `PGConnection`s for request handlers (the HTTP query service).
///
/// Connections open lazily, up to `maxConnections`; when all are busy, callers wait in FIFO order
/// (a cancelled waiter leaves the queue with `CancellationError`). Each connection reconnects by
/// itself after the server restarts, so the pool keeps them.
public final class PGPool: Sendable {
    public let maxConnections: Int
    public let logger: Logger
    private let url: String
    private let state: Mutex<State>

    private struct State {
        var idle: [PGConnection] = []
        /// Connections open or being opened.
        var total = 0
        var waiters: [(id: UInt64, continuation: CheckedContinuation<Lease, any Error>)] = []
        var nextWaiterID: UInt64 = 0
        var closed = false
    }

    /// What a caller gets: a connection, or permission to open one (a free slot under the limit).
    private enum Lease: Sendable {
        case connection(PGConnection)
        case openNew
    }

    public init(url: String, maxConnections: Int = 4, logger: Logger = Logger(label: "turnstile.postgres.pool")) {
        precondition(maxConnections > 0, "a pool needs at least one connection")
        self.url = url
        self.maxConnections = maxConnections
        self.logger = logger
        state = Mutex(State())
    }

    /// Lends a connection to `body` for its duration.
    public func withConnection<T>(
        isolation: isolated (any Actor)? = #isolation, _ body: (PGConnection) async throws -> T
    ) async throws -> T {
        let connection = try await acquire()
        do {
            let value = try await body(connection)
            release(connection)
            return value
        } catch {
            release(connection)
            throw error
        }
    }

    /// Runs one statement on a pooled connection.
    @discardableResult
    public func query(_ sql: String, _ params: [PGValue] = []) async throws -> PGResult {
        try await withConnection { try await $0.query(sql, params) }
    }

    /// Fails waiting and later callers, and closes the connections (busy ones when they come back).
    public func close() async {
        let (idle, waiters) = state.withLock { state in
            state.closed = true
            defer {
                state.total -= state.idle.count
                state.idle = []
                state.waiters = []
            }
            return (state.idle, state.waiters)
        }
        for waiter in waiters { waiter.continuation.resume(throwing: Self.closedError) }
        for connection in idle { await connection.close() }
    }

    // MARK: - Leasing

    private static let closedError = PGError(kind: .connection, message: "the PGPool is closed")

    private func acquire() async throws -> PGConnection {
        let id = state.withLock { state in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        let lease = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Lease, any Error>) in
                let immediate: Result<Lease, any Error>? = state.withLock { state in
                    if state.closed { return .failure(Self.closedError) }
                    // Cancelled before we queued: onCancel has already run and found nothing to remove.
                    if Task.isCancelled { return .failure(CancellationError()) }
                    if let connection = state.idle.popLast() { return .success(.connection(connection)) }
                    if state.total < maxConnections {
                        state.total += 1
                        return .success(.openNew)
                    }
                    state.waiters.append((id, continuation))
                    return nil
                }
                if let immediate { continuation.resume(with: immediate) }
            }
        } onCancel: {
            let waiter = state.withLock { state in
                state.waiters.firstIndex { $0.id == id }.map { state.waiters.remove(at: $0) }
            }
            waiter?.continuation.resume(throwing: CancellationError())
        }

        switch lease {
        case .connection(let connection):
            return connection
        case .openNew:
            do {
                return try await PGConnection.connect(url: url, logger: logger)
            } catch {
                giveBackSlot()
                throw error
            }
        }
    }

    private func release(_ connection: PGConnection) {
        enum Next {
            case handTo(CheckedContinuation<Lease, any Error>)
            case keep
            case close
        }
        let next: Next = state.withLock { state in
            if state.closed {
                state.total -= 1
                return .close
            }
            if !state.waiters.isEmpty { return .handTo(state.waiters.removeFirst().continuation) }
            state.idle.append(connection)
            return .keep
        }
        switch next {
        case .handTo(let waiter): waiter.resume(returning: .connection(connection))
        case .keep: break
        case .close: Task { await connection.close() }
        }
    }

    /// Opening a connection failed: pass its slot to the next waiter (who tries in turn) or free it.
    private func giveBackSlot() {
        let waiter: CheckedContinuation<Lease, any Error>? = state.withLock { state in
            if !state.closed, !state.waiters.isEmpty { return state.waiters.removeFirst().continuation }
            state.total -= 1
            return nil
        }
        waiter?.resume(returning: .openNew)
    }
}
