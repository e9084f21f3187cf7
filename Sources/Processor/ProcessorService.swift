import Logging
import ServiceLifecycle

/// Anything that runs blocking on its own thread until asked to stop.
public protocol BlockingRunner: Sendable {
    var name: String { get }
    func run() throws
    func stop()
}

extension ProjectionWorker: BlockingRunner {
    public var name: String { "projection \(store.projection.name)" }
}

extension OutboxRelay: BlockingRunner {
    public var name: String { "outbox relay" }
}

/// Runs projection workers and the outbox relay as one service of a `ServiceGroup`.
///
/// On graceful shutdown (SIGTERM/SIGINT through the group) each worker finishes and commits the batch in
/// flight, leaves its consumer group and returns; the relay publishes what is pending and returns.
public struct ProcessorService: Service {
    let runners: [any BlockingRunner]
    let relay: OutboxRelay?
    let logger: Logger

    public init(runners: [any BlockingRunner], relay: OutboxRelay?, logger: Logger) {
        self.runners = runners
        self.relay = relay
        self.logger = logger
    }

    public func run() async throws {
        let runners = self.runners
        let relay = self.relay
        try await withGracefulShutdownHandler {
            try await withThrowingTaskGroup(of: Void.self) { group in
                if let relay {
                    group.addTask { try await BlockingThread.run(name: relay.name) { try relay.run() } }
                }
                do {
                    try await withThrowingTaskGroup(of: Void.self) { workers in
                        for runner in runners {
                            workers.addTask { try await BlockingThread.run(name: runner.name) { try runner.run() } }
                        }
                        try await workers.waitForAll()
                    }
                } catch {
                    logger.error("a projection worker failed; stopping", metadata: ["error": "\(error)"])
                    for runner in runners { runner.stop() }
                    relay?.stop()
                    throw error
                }
                // Workers are done (asked to stop, or idle): the relay publishes what is left and stops.
                relay?.stop()
                try await group.waitForAll()
            }
        } onGracefulShutdown: {
            for runner in runners { runner.stop() }
        }
    }
}
