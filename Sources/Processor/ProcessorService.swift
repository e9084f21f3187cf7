import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Anything that runs blocking on its own thread until asked to stop.
public protocol BlockingRunner: Sendable {
    var name: String { get }
    /// The name `/ready` and the logs give it: a projection's name, `outbox_relay`.
    var healthName: String { get }
    /// The gauge that says whether it runs (1) or not (0).
    var upMetric: (label: String, dimensions: [(String, String)]) { get }
    /// A count that grows whenever the runner gets something done (batches committed, records published): a
    /// runner that fails twice at the same count is stuck on the same records.
    var progress: Int { get }
    /// Runs until `stop()`; may be called again after it threw (a restart).
    func run() throws
    func stop()
}

extension ProjectionWorker: BlockingRunner {
    public var name: String { "projection \(projectionName)" }
    public var healthName: String { projectionName }
    public var upMetric: (label: String, dimensions: [(String, String)]) {
        ("turnstile_projection_up", [("projection", projectionName)])
    }
}

extension OutboxRelay: BlockingRunner {
    public var name: String { "outbox relay" }
    public var healthName: String { "outbox_relay" }
    public var upMetric: (label: String, dimensions: [(String, String)]) { ("turnstile_relay_up", []) }
}

/// Runs projection workers and the outbox relay as one service of a `ServiceGroup`, each on its own thread,
/// supervised.
///
/// A runner that fails is logged at once with its error, marked down (`health`: `/ready`, the up gauges) and
/// restarted after a pause (`RestartPolicy`); one that keeps failing without progress stops the whole service
/// with its error, so the process exits non-zero. A failure is seen the moment it happens, whatever the other
/// runners are doing.
///
/// On graceful shutdown (SIGTERM/SIGINT through the group) each worker finishes and commits the batch in
/// flight, leaves its consumer group and returns; the relay publishes what is pending and returns.
public struct ProcessorService: Service {
    let runners: [any BlockingRunner]
    let relay: OutboxRelay?
    /// Maintenance beside the workers (retention): supervised like them, stopped with the relay once every
    /// worker is done.
    let maintenance: [any BlockingRunner]
    let logger: Logger
    let restartPolicy: RestartPolicy
    public let health: ProcessorHealth

    public init(
        runners: [any BlockingRunner], relay: OutboxRelay?, maintenance: [any BlockingRunner] = [],
        restartPolicy: RestartPolicy = RestartPolicy(), health: ProcessorHealth = ProcessorHealth(), logger: Logger
    ) {
        self.runners = runners
        self.relay = relay
        self.maintenance = maintenance
        self.restartPolicy = restartPolicy
        self.health = health
        self.logger = logger
        for runner in runners + maintenance { health.markUp(runner) }
        if let relay {
            health.markUp(relay)
            relay.reportHealth(to: health)
        }
    }

    private enum Finished { case worker, relay, maintenance }

    public func run() async throws {
        let runners = self.runners
        let relay = self.relay
        let maintenance = self.maintenance
        let stopping = StopFlag()
        func stopAll() {
            stopping.set()
            for runner in runners + maintenance { runner.stop() }
            relay?.stop()
        }
        func workersDone() {
            relay?.stop()
            for runner in maintenance { runner.stop() }
        }
        // Graceful shutdown (SIGTERM) and cancellation both stop the runners: a ServiceGroup cancels, rather than
        // shuts down, the other services when one throws (serve's HTTP server failing to bind), and a blocking runner
        // thread never sees a task's cancellation by itself.
        try await withTaskCancellationOrGracefulShutdownHandler {
            try await withThrowingTaskGroup(of: Finished.self) { group in
                if let relay {
                    group.addTask { try await supervise(relay, stopping: stopping); return .relay }
                }
                for runner in runners {
                    group.addTask { try await supervise(runner, stopping: stopping); return .worker }
                }
                for runner in maintenance {
                    group.addTask { try await supervise(runner, stopping: stopping); return .maintenance }
                }
                var workersLeft = runners.count
                // Workers are done (asked to stop, or idle): the relay publishes what is left and stops.
                if workersLeft == 0 { workersDone() }
                do {
                    // `next()`, not `waitForAll()`: the first failure is seen when it happens, not once every
                    // other runner has stopped.
                    while let finished = try await group.next() {
                        guard finished == .worker else { continue }
                        workersLeft -= 1
                        if workersLeft == 0 { workersDone() }
                    }
                } catch {
                    logger.critical("stopping the processor", metadata: ["error": "\(error)"])
                    stopAll()
                    throw error
                }
            }
        } onCancelOrGracefulShutdown: {
            stopping.set()
            for runner in runners + maintenance { runner.stop() }
        }
    }

    /// Runs `runner` until it returns (it was asked to stop, or went idle), restarting it after failures.
    private func supervise(_ runner: any BlockingRunner, stopping: StopFlag) async throws {
        var tracker = RestartPolicy.Tracker()
        var restarted = false
        while true {
            do {
                try await runOnce(runner, markUpWhenHealthy: restarted)
                return
            } catch {
                restarted = true
                if stopping.isSet {
                    health.markDown(runner, error: error, restarting: false)
                    logger.error("\(runner.name) failed while stopping", metadata: ["error": "\(error)"])
                    throw error
                }
                switch tracker.failed(progress: runner.progress, policy: restartPolicy) {
                case .restart(let delay):
                    health.markDown(runner, error: error, restarting: true)
                    logger.error("\(runner.name) failed; restarting", metadata: [
                        "runner": "\(runner.healthName)", "error": "\(error)", "failures_in_a_row": "\(tracker.failures)",
                        "restart_in_s": "\(Self.seconds(delay))",
                    ])
                    try await Self.sleep(delay, unless: stopping)
                    if stopping.isSet { return }
                case .giveUp(let failures):
                    health.markDown(runner, error: error, restarting: false)
                    throw RunnerGaveUp(runner: runner.healthName, failures: failures, cause: error)
                }
            }
        }
    }

    /// Runs `runner` once; after a restart, marks it up again once it has proven itself (`healthyAfter`).
    private func runOnce(_ runner: any BlockingRunner, markUpWhenHealthy: Bool) async throws {
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                try await BlockingThread.run(name: runner.name) { try runner.run() }
                return true
            }
            if markUpWhenHealthy {
                let health = self.health, healthyAfter = restartPolicy.healthyAfter
                group.addTask {
                    let before = runner.progress
                    let until = ContinuousClock.now + healthyAfter
                    while runner.progress == before, ContinuousClock.now < until {
                        do { try await Task.sleep(for: .milliseconds(50)) } catch { return false }  // the runner ended
                    }
                    health.markUp(runner)
                    return false
                }
            }
            // Done when the runner is; a failure is thrown from here, and the watcher is cancelled with the group.
            while let runnerEnded = try await group.next() {
                if runnerEnded {
                    group.cancelAll()
                    return
                }
            }
        }
    }

    /// Sleeps `delay` in short steps, returning early once `stopping` is set.
    private static func sleep(_ delay: Duration, unless stopping: StopFlag) async throws {
        let until = ContinuousClock.now + delay
        while !stopping.isSet, ContinuousClock.now < until {
            try await Task.sleep(for: min(.milliseconds(100), until - ContinuousClock.now))
        }
    }

    static func seconds(_ d: Duration) -> String {
        String(format: "%.1f", Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18)
    }
}

/// A runner failed again and again without getting anything done: the process stops so that a supervisor
/// (systemd, Kubernetes) sees it.
public struct RunnerGaveUp: Error, CustomStringConvertible {
    public var runner: String
    public var failures: Int
    public var cause: any Error

    public var description: String {
        "\(runner) failed \(failures) times in a row at the same position; last error: \(cause). Fix the cause "
            + "(the error says what), then start the processor again: it resumes where \(runner) stopped"
    }
}

/// Set once, read from any thread.
final class StopFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    var isSet: Bool { flag.load(ordering: .relaxed) }
    func set() { flag.store(true, ordering: .relaxed) }
}
