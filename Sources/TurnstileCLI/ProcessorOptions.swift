import ArgumentParser
import Events
import Logging
import Processor
import Projections
import Registry

/// What to process and how; shared by `process` and `serve --process`.
struct ProcessorOptions: ParsableArguments {
    @Option(name: .customLong("projection"), help: "Projection to run (repeatable; default: all of \(ProjectionRegistry.names.joined(separator: ", "))).")
    var projections: [String] = []

    @Option(help: "Most records folded per transaction.")
    var maxBatch: Int = 5_000

    @Option(help: "How long a batch waits for more records after its first, ms (default: each projection's own: 0 for leaderboards and current state, 200 for telemetry).")
    var batchLingerMs: Int?

    @Option(help: "Prefix of consumer group ids (group = PREFIX.PROJECTION).")
    var groupPrefix: String = "turnstile"

    @Option(help: "Stop once no record has arrived for this many seconds (demo, tests, replays).")
    var stopWhenIdle: Double?

    @Flag(help: "Do not run the outbox relay in this process (another process runs it).")
    var noRelay = false

    @Option(help: "Failures in a row at the same position after which a projection worker (or the relay) is not restarted again and the process exits with an error.")
    var maxRestarts: Int = 8

    @Option(help: "Longest pause before restarting a failed worker, seconds (the pause starts at 1 s and doubles).")
    var maxRestartDelay: Double = 30

    @Option(help: "Seconds between rounds of retention (hypertable chunks older than each projection's declared window, before its newest row, are dropped); 0: no retention in this process.")
    var retentionEvery: Double = 600

    func validate() throws {
        guard maxBatch >= 1 else { throw ValidationError("--max-batch must be at least 1") }
        if let linger = batchLingerMs, !(0...60_000).contains(linger) {
            throw ValidationError("--batch-linger-ms must be within 0...60000")
        }
        guard maxRestarts >= 0 else { throw ValidationError("--max-restarts must be at least 0") }
        guard maxRestartDelay >= 0.1 else { throw ValidationError("--max-restart-delay must be at least 0.1 (seconds)") }
        guard retentionEvery == 0 || retentionEvery >= 1 else { throw ValidationError("--retention-every must be 0 (off) or at least 1 (seconds)") }
        for p in projections where !ProjectionRegistry.names.contains(p) {
            throw ValidationError("--projection: \(UnknownProjection(name: p))")
        }
    }

    var restartPolicy: RestartPolicy {
        let longest = Duration.milliseconds(Int64(maxRestartDelay * 1000))
        return RestartPolicy(maxFailures: maxRestarts, initialDelay: min(.seconds(1), longest), maxDelay: longest)
    }

    func service(global: GlobalOptions, health: ProcessorHealth = ProcessorHealth(), logger: Logger) throws -> ProcessorService {
        var settings = ProcessorSettings(
            databaseURL: try global.database(), kafka: try global.kafkaConfig(), groupPrefix: groupPrefix,
            maxBatch: maxBatch, deadLetterTopic: global.topics[.parksDeadLetters],
            stopWhenIdleMs: stopWhenIdle.map { Int($0 * 1000) })
        settings.batchLingerMs = batchLingerMs
        let workers = try ProjectionRegistry.workers(projections, settings: settings, topics: global.topics, logger: logger)
        var maintenance: [any BlockingRunner] = []
        if retentionEvery > 0 {
            let run = projections.isEmpty ? ProjectionRegistry.all : try projections.map { try ProjectionRegistry.named($0) }
            maintenance.append(RetentionRunner(
                definitions: run, databaseURL: settings.databaseURL, interval: .milliseconds(Int64(retentionEvery * 1000)), logger: logger))
        }
        if projections.isEmpty || projections.contains(ProjectionDefinition.parksWaitPredictions.name) {
            maintenance.append(ModelWatcher(databaseURL: settings.databaseURL, logger: logger))
        }
        let relay = noRelay ? nil : OutboxRelay(
            databaseURL: settings.databaseURL, kafka: settings.kafka, table: RuntimeTables().outbox, logger: logger)
        return ProcessorService(
            runners: workers, relay: relay, maintenance: maintenance, restartPolicy: restartPolicy, health: health, logger: logger)
    }
}
