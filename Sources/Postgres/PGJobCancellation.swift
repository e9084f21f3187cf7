import Foundation
import Logging

/// Tracks one `PGConnection.withSession` call so that cancelling its task cancels its statement,
/// and only its statement.
///
/// Cancelled while queued: the body never runs. Cancelled while running: the server is asked to cancel
/// (from a short-lived thread, since `PQcancel` blocks), and the worker does not start the next job
/// until that request has been delivered, so a late cancel cannot hit the next caller's statement.
final class PGJobCancellation: @unchecked Sendable {
    // @unchecked Sendable: `phase` is read and written only while `condition` is locked.

    private enum Phase {
        case queued
        case cancelledBeforeStart
        case running(PGCancelToken?)
        case cancelling
        case cancelSent
        case finished
    }

    private let condition = NSCondition()
    private var phase = Phase.queued

    /// Worker thread, before the body: false if the call was cancelled and must not run.
    func begin(token: PGCancelToken?) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        if case .cancelledBeforeStart = phase { return false }
        phase = .running(token)
        return true
    }

    /// Worker thread, after the body: waits for an in-flight cancel request before the next job runs.
    func end() {
        condition.lock()
        defer { condition.unlock() }
        while case .cancelling = phase { condition.wait() }
        phase = .finished
    }

    /// Any thread (the task's cancellation handler): returns at once.
    func cancel(logger: Logger) {
        condition.lock()
        defer { condition.unlock() }
        switch phase {
        case .queued:
            phase = .cancelledBeforeStart
        case .running(let token?):
            phase = .cancelling
            Thread.detachNewThread { [self] in
                do throws(PGError) {
                    try token.cancel()
                } catch {
                    logger.warning("cancelling a statement failed", metadata: ["error": "\(error.message)"])
                }
                condition.lock()
                phase = .cancelSent
                condition.broadcast()
                condition.unlock()
            }
        case .running(nil), .cancelledBeforeStart, .cancelling, .cancelSent, .finished:
            break
        }
    }
}
