import Foundation
import Logging
import Metrics
import MetricsTestKit
@testable import Processor
import ServiceLifecycle
import ServiceLifecycleTestKit
import Synchronization
import TestSupport
import Testing

/// The supervision of `ProcessorService`, with runners that are plain threads doing what a test tells them
/// (no broker, no database): failures seen at once, restarts, health, giving up.
@Suite(.serialized) struct ProcessorServiceTests {
    /// Fails `failures` times, then runs until stopped. With `progressEachRun`, each run gets something done
    /// (progress + 1) right away when it fails, or a little after it starts when it keeps running.
    final class ScriptedRunner: BlockingRunner {
        let name: String
        var healthName: String { name }
        var upMetric: (label: String, dimensions: [(String, String)]) { ("turnstile_projection_up", [("projection", name)]) }
        private let failuresLeft: Mutex<Int>
        private let stopped = Atomic<Bool>(false)
        private let runs = Atomic<Int>(0)
        private let done = Atomic<Int>(0)
        let progressEachRun: Bool

        init(_ name: String, failures: Int, progressEachRun: Bool = false) {
            self.name = name
            self.failuresLeft = Mutex(failures)
            self.progressEachRun = progressEachRun
        }

        var progress: Int { done.load(ordering: .relaxed) }
        var runCount: Int { runs.load(ordering: .relaxed) }

        func run() throws {
            runs.add(1, ordering: .relaxed)
            let fail = failuresLeft.withLock { left -> Bool in
                guard left > 0 else { return false }
                left -= 1
                return true
            }
            if fail {
                if progressEachRun { done.add(1, ordering: .relaxed) }
                throw ScriptedFailure(runner: name)
            }
            Thread.sleep(forTimeInterval: 0.2)
            if progressEachRun { done.add(1, ordering: .relaxed) }
            while !stopped.load(ordering: .relaxed) { Thread.sleep(forTimeInterval: 0.01) }
        }

        func stop() { stopped.store(true, ordering: .relaxed) }
    }

    struct ScriptedFailure: Error, CustomStringConvertible {
        var runner: String
        var description: String { "\(runner) was told to fail" }
    }

    /// Restarts at once, and a restarted runner is up only once it gets something done.
    static let quick = RestartPolicy(maxFailures: 3, initialDelay: .milliseconds(10), maxDelay: .milliseconds(40), healthyAfter: .seconds(3_600))

    static let metrics: TestMetrics = {
        let metrics = TestMetrics()
        MetricsSystem.bootstrap(metrics)
        return metrics
    }()

    @Test func aRestartedRunnerStaysDownUntilItGetsSomethingDone() async throws {
        let flaky = ScriptedRunner("flaky", failures: 2)
        let steady = ScriptedRunner("steady", failures: 0)
        let health = ProcessorHealth()
        let service = ProcessorService(runners: [flaky, steady], relay: nil, restartPolicy: Self.quick, health: health, logger: Logger(label: "test"))
        let running = Task { try await service.run() }
        #expect(try await eventually { flaky.runCount == 3 })
        // Running again, but it has done nothing since it failed: not ready.
        #expect(health.snapshot["flaky"] == ProcessorHealth.Status(up: false, lastError: "flaky was told to fail", restarts: 2))
        #expect(health.readinessChecks == ["flaky": false, "steady": true])
        flaky.stop()
        steady.stop()
        try await running.value
    }

    @Test func aRestartedRunnerThatGetsSomethingDoneIsUpAgain() async throws {
        let flaky = ScriptedRunner("flaky", failures: 1, progressEachRun: true)
        let health = ProcessorHealth()
        let service = ProcessorService(runners: [flaky], relay: nil, restartPolicy: Self.quick, health: health, logger: Logger(label: "test"))
        let running = Task { try await service.run() }
        #expect(try await eventually { health.snapshot["flaky"]?.restarts == 1 && health.snapshot["flaky"]?.up == true })
        #expect(health.snapshot["flaky"]?.lastError == "flaky was told to fail")
        flaky.stop()
        try await running.value
    }

    /// The trap this replaced: waiting for every runner before looking at a failure hid it while the others ran
    /// (here: for ever, `steady` never stops by itself).
    @Test(.timeLimit(.minutes(2))) func aRunnerThatGivesUpStopsTheServiceAtOnceWhileOthersRun() async throws {
        let broken = ScriptedRunner("broken", failures: 100)
        let steady = ScriptedRunner("steady", failures: 0)
        let health = ProcessorHealth()
        let service = ProcessorService(runners: [steady, broken], relay: nil, restartPolicy: Self.quick, health: health, logger: Logger(label: "test"))
        await #expect(throws: RunnerGaveUp.self) { try await service.run() }
        #expect(broken.runCount == 4)
        #expect(health.readinessChecks["broken"] == false)
        // The others were asked to stop (or `run()` would not have returned).
        #expect(steady.runCount == 1)
    }

    @Test func failuresWithProgressBetweenThemNeverGiveUp() async throws {
        let recovering = ScriptedRunner("recovering", failures: 10, progressEachRun: true)
        let service = ProcessorService(runners: [recovering], relay: nil, restartPolicy: Self.quick, logger: Logger(label: "test"))
        let running = Task { try await service.run() }
        #expect(try await eventually { recovering.runCount == 11 })
        recovering.stop()
        try await running.value
    }

    /// SIGTERM's path: every runner is asked to stop (a worker finishes and commits its batch first) and the
    /// service returns without an error; a runner waiting to be restarted is not started again.
    @Test(.timeLimit(.minutes(2))) func gracefulShutdownStopsEveryRunnerAndReturns() async throws {
        let steady = ScriptedRunner("steady", failures: 0)
        let failing = ScriptedRunner("failing", failures: 1_000)
        let slow = RestartPolicy(maxFailures: 1_000, initialDelay: .seconds(3_600), maxDelay: .seconds(3_600))
        let service = ProcessorService(runners: [steady, failing], relay: nil, restartPolicy: slow, logger: Logger(label: "test"))
        try await testGracefulShutdown { trigger in
            let running = Task { try await service.run() }
            // The failing one now waits an hour to be restarted; the steady one runs.
            #expect(try await eventually { failing.runCount == 1 && steady.runCount == 1 })
            trigger.triggerGracefulShutdown()
            try await running.value
        }
        #expect(steady.runCount == 1)
        #expect(failing.runCount == 1)
    }

    /// `serve --process` whose HTTP server cannot bind: the ServiceGroup cancels the other services (it does not shut
    /// them down gracefully), and the runners' threads must stop on that too, or the process hangs for ever, silent.
    @Test(.timeLimit(.minutes(1))) func cancellingTheServiceStopsEveryRunner() async throws {
        struct BindFailed: Error {}
        struct FailsAtOnce: Service {
            func run() async throws {
                try await Task.sleep(for: .milliseconds(300))
                throw BindFailed()
            }
        }
        let steady = ScriptedRunner("steady", failures: 0)
        let retention = ScriptedRunner("retention", failures: 0)
        let service = ProcessorService(
            runners: [steady], relay: nil, maintenance: [retention], restartPolicy: Self.quick, logger: Logger(label: "test"))
        let group = ServiceGroup(services: [service, FailsAtOnce()], logger: Logger(label: "test"))
        await #expect(throws: BindFailed.self) { try await group.run() }
        #expect(steady.runCount == 1 && retention.runCount == 1)
    }

    @Test func maintenanceStopsWhenTheWorkersAreDone() async throws {
        let worker = ScriptedRunner("idle-worker", failures: 0)
        let retention = ScriptedRunner("retention", failures: 0)
        let service = ProcessorService(
            runners: [worker], relay: nil, maintenance: [retention], restartPolicy: Self.quick, logger: Logger(label: "test"))
        let running = Task { try await service.run() }
        #expect(try await eventually { worker.runCount == 1 && retention.runCount == 1 })
        // The worker goes idle and returns (as with --stop-when-idle): the maintenance is stopped with it.
        worker.stop()
        try await running.value
        #expect(retention.runCount == 1)
    }

    @Test func theUpGaugeFollowsTheRunner() throws {
        let metrics = Self.metrics
        let runner = ScriptedRunner("gauged", failures: 0)
        let health = ProcessorHealth()
        health.markDown(runner, error: ScriptedFailure(runner: "gauged"), restarting: true)
        #expect(try metrics.expectGauge("turnstile_projection_up", [("projection", "gauged")]).lastValue == 0)
        #expect(health.readinessChecks["gauged"] == false)
        #expect(!health.allUp)
        health.markUp(runner)
        #expect(try metrics.expectGauge("turnstile_projection_up", [("projection", "gauged")]).lastValue == 1)
        #expect(health.allUp)
    }
}
