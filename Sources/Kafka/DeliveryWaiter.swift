import Dispatch
import Synchronization

/// Hands a batch's delivery results (produced on the poll thread) to a waiter that is either an async
/// task (continuation) or a dedicated thread (semaphore). Either side may come first.
final class DeliveryWaiter: Sendable {
    typealias Results = [Result<KafkaDeliveryReport, KafkaError>]

    private enum State {
        case pending
        case waiting(CheckedContinuation<Results, Never>)
        case done(Results)
    }

    private let state = Mutex(State.pending)
    private let semaphore = DispatchSemaphore(value: 0)

    func fulfil(_ results: Results) {
        let continuation: CheckedContinuation<Results, Never>? = state.withLock { state in
            switch state {
            case .pending:
                state = .done(results)
                return nil
            case .waiting(let continuation):
                state = .done(results)
                return continuation
            case .done:
                preconditionFailure("delivery results fulfilled twice")
            }
        }
        continuation?.resume(returning: results)
        semaphore.signal()
    }

    /// Suspends (never blocks) until the results arrive.
    func wait() async -> Results {
        await withCheckedContinuation { continuation in
            let ready: Results? = state.withLock { state in
                switch state {
                case .pending:
                    state = .waiting(continuation)
                    return nil
                case .done(let results):
                    return results
                case .waiting:
                    preconditionFailure("two waiters for one batch")
                }
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    /// Blocks the calling thread until the results arrive. Never call it from Swift concurrency's pool.
    func waitBlocking() -> Results {
        semaphore.wait()
        return state.withLock { state in
            guard case .done(let results) = state else { preconditionFailure("signalled before done") }
            return results
        }
    }
}
