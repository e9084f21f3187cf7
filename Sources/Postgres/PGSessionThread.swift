import Foundation

/// A dedicated OS thread that runs jobs one at a time, in order, and owns the slot holding its
/// `PGSession`.
///
/// libpq calls block; running them here keeps them off Swift's cooperative thread pool. The session
/// is a local variable of the thread's loop, so it never leaves the thread except as an argument to
/// the job running on it.
final class PGSessionThread: @unchecked Sendable {
    // @unchecked Sendable: every mutable property below is read and written only while `condition` is
    // locked; the session itself lives on the thread's stack.

    /// A job gets the thread's session slot: nil until a job connects, and again after `stop`.
    typealias Job = @Sendable (inout PGSession?) -> Void

    private let condition = NSCondition()
    private var jobs: [Job] = []
    private var stopping = false
    private var exited = false
    private var exitHandlers: [@Sendable () -> Void] = []
    private var started = false

    init(name: String) {
        // The thread's closure keeps `self` alive until the loop exits.
        let thread = Thread { [self] in
            // Name the OS thread (for `top -H` and debuggers) only once `start()` has returned: on Linux,
            // Foundation applies a name set earlier, or too early from inside, only sometimes, and the
            // thread otherwise keeps the name of its creator, often a cooperative pool thread.
            condition.lock()
            while !started { condition.wait() }
            condition.unlock()
            Thread.current.name = name
            run()
        }
        thread.start()
        condition.lock()
        started = true
        condition.broadcast()
        condition.unlock()
    }

    /// Queues a job. Returns false, without queueing, once the thread is stopping: the caller must then
    /// complete whatever the job would have completed.
    func submit(_ job: @escaping Job) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !stopping else { return false }
        jobs.append(job)
        condition.broadcast()
        return true
    }

    /// Lets queued jobs finish, closes the session and ends the thread; `onExit` runs after that (at
    /// once if the thread has already exited).
    func stop(onExit: (@Sendable () -> Void)? = nil) {
        condition.lock()
        stopping = true
        if exited {
            condition.unlock()
            onExit?()
            return
        }
        if let onExit { exitHandlers.append(onExit) }
        condition.signal()
        condition.unlock()
    }

    private func run() {
        var session: PGSession?
        while let batch = nextJobs() {
            for job in batch { job(&session) }
        }
        session?.close()
        session = nil

        condition.lock()
        exited = true
        let handlers = exitHandlers
        exitHandlers = []
        condition.unlock()
        for handler in handlers { handler() }
    }

    /// Waits for work; nil when stopping and nothing is left.
    private func nextJobs() -> [Job]? {
        condition.lock()
        defer { condition.unlock() }
        while jobs.isEmpty && !stopping { condition.wait() }
        if jobs.isEmpty { return nil }
        let batch = jobs
        jobs = []
        return batch
    }
}
