import Foundation
import Logging
import Processor
import Registry
import ServiceLifecycle
import TestSupport

/// Runs a `ProcessorService` (supervised workers and the relay) in this process, the way `turnstile process`
/// does, while a test looks at it; then shuts it down the way SIGTERM does.
enum ServiceRun {
    struct Outcome {
        var value: Bool
        /// What the service threw, if it stopped with an error (a runner gave up).
        var error: (any Error)?
    }

    static func run(
        ns: TestNamespace, projections: [String], policy: RestartPolicy = RestartPolicy(), health: ProcessorHealth = ProcessorHealth(),
        maxBatch: Int = 2_000, untilItStops: Duration? = nil, _ body: (ProcessorHealth) async throws -> Bool
    ) async throws -> Outcome {
        let settings = ns.settings(maxBatch: maxBatch)
        let workers = try ProjectionRegistry.workers(projections, settings: settings, topics: ns.topics, logger: TestStack.logger)
        let relay = OutboxRelay(databaseURL: ns.databaseURL, kafka: ns.kafka, table: "turnstile_outbox", logger: TestStack.logger)
        let service = ProcessorService(runners: workers, relay: relay, restartPolicy: policy, health: health, logger: TestStack.logger)
        let group = ServiceGroup(configuration: .init(services: [.init(service: service)], logger: TestStack.logger))
        let running = Task { try await group.run() }
        let value: Bool
        do {
            value = try await body(health)
        } catch {
            await group.triggerGracefulShutdown()
            _ = await running.result
            throw error
        }
        if let untilItStops {
            // Wait for the service to stop by itself (a runner gave up), shutting it down after the limit.
            let watchdog = Task {
                try await Task.sleep(for: untilItStops)
                await group.triggerGracefulShutdown()
            }
            _ = await running.result
            watchdog.cancel()
        } else {
            await group.triggerGracefulShutdown()
        }
        if case .failure(let error) = await running.result { return Outcome(value: value, error: error) }
        return Outcome(value: value, error: nil)
    }
}
