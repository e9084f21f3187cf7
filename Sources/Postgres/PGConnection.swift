import Logging

/// One PostgreSQL connection for async code: a `PGSession` living on its own OS thread.
///
/// Calls are queued and run one at a time on that thread, so the blocking libpq calls never occupy
/// Swift's cooperative thread pool. When the connection was lost (server restart, backend
/// terminated), the next call reconnects first, once; if that fails it throws and the call after it
/// tries again.
public final class PGConnection: Sendable {
    public let logger: Logger
    private let url: String
    private let thread: PGSessionThread

    private init(url: String, logger: Logger) {
        self.url = url
        self.logger = logger
        thread = PGSessionThread(name: "turnstile-pg")  // Linux thread names stop at 15 bytes
    }

    deinit {
        // Without an explicit close, let the thread finish its queue and exit on its own.
        thread.stop()
    }

    /// Opens the connection (on its thread) and fails right away if the database is unreachable.
    public static func connect(
        url: String, logger: Logger = Logger(label: "turnstile.postgres")
    ) async throws -> PGConnection {
        let connection = PGConnection(url: url, logger: logger)
        do {
            try await connection.withSession { _ in }
        } catch {
            await connection.close()
            throw error
        }
        return connection
    }

    /// Runs `body` with the session on the connection's thread and returns its result.
    ///
    /// `body` blocks that thread, not the caller's; keep it to database work. A transaction left open by
    /// `body` is rolled back, so the next caller starts clean. Cancelling the calling task cancels the
    /// call: before it starts, `body` does not run (`CancellationError`); while it runs, the server is
    /// asked to cancel the current statement, which then fails with SQLSTATE 57014.
    public func withSession<T: Sendable>(_ body: @escaping @Sendable (PGSession) throws -> T) async throws -> T {
        let cancellation = PGJobCancellation()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let accepted = thread.submit { [url, logger] session in
                    do {
                        let live = try Self.ready(&session, url: url, logger: logger)
                        guard cancellation.begin(token: live.cancelToken) else {
                            continuation.resume(throwing: CancellationError())
                            return
                        }
                        let result = Result { try body(live) }
                        cancellation.end()
                        if live.isInTransaction {
                            logger.warning("withSession left a transaction open; rolling it back")
                            _ = try? live.execute("ROLLBACK")
                        }
                        continuation.resume(with: result)
                    } catch {
                        continuation.resume(throwing: error)
                    }
                }
                if !accepted {
                    continuation.resume(throwing: PGError(kind: .connection, message: "the PGConnection is closed"))
                }
            }
        } onCancel: { [logger] in
            cancellation.cancel(logger: logger)
        }
    }

    /// Runs one statement (or, without parameters, a script); see `PGSession.execute`.
    @discardableResult
    public func query(_ sql: String, _ params: [PGValue] = []) async throws -> PGResult {
        try await withSession { try $0.execute(sql, params) }
    }

    /// Finishes the queued calls, closes the session and ends the thread. Later calls throw.
    public func close() async {
        await withCheckedContinuation { continuation in
            thread.stop { continuation.resume() }
        }
    }

    /// The session, connected: connects on first use, reconnects once when the connection was lost.
    private static func ready(_ session: inout PGSession?, url: String, logger: Logger) throws(PGError) -> PGSession {
        guard let existing = session else {
            let connected = try PGSession.connect(url: url, logger: logger)
            session = connected
            return connected
        }
        if !existing.probe() {
            logger.warning("PostgreSQL connection lost; reconnecting")
            try existing.reset()
        }
        return existing
    }
}
