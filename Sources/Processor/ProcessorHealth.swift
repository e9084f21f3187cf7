import Metrics
import Synchronization

/// Whether each runner of a processor (every projection worker, the outbox relay) is running, for `/ready`
/// and the `turnstile_projection_up{projection}` / `turnstile_relay_up` gauges. Written by the
/// `ProcessorService`'s supervisor, read by the query service.
public final class ProcessorHealth: Sendable {
    public struct Status: Sendable, Equatable {
        public var up: Bool
        /// Why it is down (or last went down).
        public var lastError: String?
        /// Restarts after failures since the process started.
        public var restarts: Int
    }

    private let statuses = Mutex<[String: Status]>([:])

    public init() {}

    /// Every runner's status, by its health name (a projection's name, `outbox_relay`).
    public var snapshot: [String: Status] { statuses.withLock { $0 } }

    /// One readiness check per runner, by its health name (`/ready` lists them beside the database's and the
    /// broker's).
    public var readinessChecks: [String: Bool] { statuses.withLock { $0.mapValues(\.up) } }

    /// True when every registered runner is up.
    public var allUp: Bool { statuses.withLock { $0.values.allSatisfy(\.up) } }

    func markUp(_ runner: any BlockingRunner) {
        statuses.withLock { s in
            var status = s[runner.healthName] ?? Status(up: true, lastError: nil, restarts: 0)
            status.up = true
            s[runner.healthName] = status
        }
        Self.gauge(runner).record(1)
    }

    func markDown(_ runner: any BlockingRunner, error: any Error, restarting: Bool) {
        statuses.withLock { s in
            var status = s[runner.healthName] ?? Status(up: false, lastError: nil, restarts: 0)
            status.up = false
            status.lastError = "\(error)"
            if restarting { status.restarts += 1 }
            s[runner.healthName] = status
        }
        Self.gauge(runner).record(0)
    }

    private static func gauge(_ runner: any BlockingRunner) -> Gauge {
        let (label, dimensions) = runner.upMetric
        return Gauge(label: label, dimensions: dimensions)
    }
}
