/// When a runner that failed is started again, and when the process gives up on it.
///
/// A runner that fails now and then (a broker hiccup, a table briefly locked) is restarted after a growing
/// pause. One that fails again and again without committing anything in between is stuck on the same records:
/// after `maxFailures` such failures in a row the process stops with an error, so that its supervisor
/// (systemd, Kubernetes) sees it, instead of spinning quietly. A pure value: its decisions are tested without
/// threads or time.
public struct RestartPolicy: Sendable, Equatable {
    /// Failures in a row, with no progress between them, that are restarted; the next one stops the process.
    public var maxFailures: Int
    /// Pause before the first restart; doubled for each further failure in a row.
    public var initialDelay: Duration
    public var maxDelay: Duration
    /// A restarted runner counts as up again once it gets something done, or has run this long without failing:
    /// until then `/ready` keeps saying it is down, so a worker failing at every attempt never looks healthy.
    public var healthyAfter: Duration

    public init(
        maxFailures: Int = 8, initialDelay: Duration = .seconds(1), maxDelay: Duration = .seconds(30),
        healthyAfter: Duration = .seconds(30)
    ) {
        self.maxFailures = maxFailures
        self.initialDelay = initialDelay
        self.maxDelay = maxDelay
        self.healthyAfter = healthyAfter
    }

    public enum Decision: Sendable, Equatable {
        case restart(after: Duration)
        case giveUp(failures: Int)
    }

    /// One runner's failures in a row.
    public struct Tracker: Sendable, Equatable {
        /// Failures since the runner last made progress.
        public private(set) var failures = 0
        private var progressAtLastFailure: Int?

        public init() {}

        /// The runner failed having made `progress` (a count that only grows) so far.
        public mutating func failed(progress: Int, policy: RestartPolicy) -> Decision {
            if let last = progressAtLastFailure, progress > last {
                failures = 0
            }
            progressAtLastFailure = progress
            failures += 1
            guard failures <= policy.maxFailures else { return .giveUp(failures: failures) }
            var delay = policy.initialDelay
            for _ in 1..<failures where delay < policy.maxDelay { delay *= 2 }
            return .restart(after: min(delay, policy.maxDelay))
        }
    }
}
