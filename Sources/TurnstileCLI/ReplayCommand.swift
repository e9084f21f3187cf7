import ArgumentParser
import Foundation
import Kafka
import Postgres
import Processor
import Projections
import Registry
import Replay

struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Rebuild a projection into a new version from the log, beside the live one, and promote it.",
        discussion: """
            The new version gets tables of its own (schema PROJECTION_vN), folds the projection's input topics from
            --from while the live version keeps folding and serving, and publishes nothing (no derived events, no
            dead letters: the live version published them). Once it has caught up with the live version it takes
            over in one transaction: the live processor and the query service switch to it, with no event missed
            or folded twice, and derived events continue from where the live version left them. The old version
            is kept until dropped (`turnstile projections drop`).

            A rebuild stopped at any point (Ctrl-C, kill -9) resumes when the same command runs again.

            Examples:
              turnstile replay parks_wait_times
              turnstile replay parks_crowd --from 0:1200,1:900 --no-swap
              turnstile replay motorsport_session --dry-run --progress json
              turnstile replay parks_wait_times --from-archive may20.tsa --schema whatif
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The projection to rebuild (\(ProjectionRegistry.names.joined(separator: ", "))).")
    var projection: String

    @Option(help: "Where to start: earliest, a time (2024-05-20T06:00:00Z: each partition's first event at or after it), or PARTITION:OFFSET[,…] (TOPIC:PARTITION:OFFSET for projections reading several topics; partitions left out start at their beginning).")
    var from: String = "earliest"

    @Option(help: "Where to stop: latest (the head once caught up), a time (events before it), or PARTITION:OFFSET[,…] (partitions left out are not read). Anything but latest implies --no-swap.")
    var to: String = "latest"

    @Flag(help: "Build the version and stop; do not promote it (promote later with `turnstile projections promote`).")
    var noSwap = false

    @Flag(help: "Build the version without promoting it, then print how it differs from the active version.")
    var dryRun = false

    @Flag(help: "Drop an unfinished version of the projection and start a new one, instead of resuming it.")
    var fresh = false

    @Option(help: "Records folded per transaction.")
    var maxBatch: Int = 20_000

    @Option(help: "Progress display: bar (a live line on a terminal), json (one JSON object per second on standard output), none.")
    var progress: ProgressStyle = .bar

    @Flag(name: .shortAndLong, help: "No progress display (same as --progress none).")
    var quiet = false

    @Option(help: "Fold these archives (`turnstile archive export`) instead of the broker's topics (repeatable: one per input topic); needs --schema, and no broker.")
    var fromArchive: [String] = []

    @Option(help: "With --from-archive: the schema to fold into (a scratch for what-if analysis: not a version, never promoted).")
    var schema: String?

    @Option(help: "Directory of the migrations (a version's tables are made by them).")
    var migrationsDir: String = defaultDirectory("projections/migrations")

    func validate() throws {
        guard ProjectionRegistry.names.contains(projection) else { throw ValidationError("\(UnknownProjection(name: projection))") }
        guard maxBatch >= 1 else { throw ValidationError("--max-batch must be at least 1") }
        if !fromArchive.isEmpty {
            guard let schema else { throw ValidationError("--from-archive needs --schema NAME (where the fold goes)") }
            guard schema.range(of: "^[a-z_][a-z0-9_]{0,62}$", options: .regularExpression) != nil, schema != "public" else {
                throw ValidationError("--schema: '\(schema)' must be a lower-case SQL identifier other than public")
            }
        } else if schema != nil {
            throw ValidationError("--schema goes with --from-archive (a rebuild from the broker makes a version of its own)")
        }
    }

    func run() async throws {
        let logger = try global.bootstrap(label: "turnstile.replay")
        let definition = try ProjectionRegistry.named(projection)
        let inputs = definition.inputTopics.map { global.topics[$0] }
        var options = Rebuild.Options()
        do {
            options.from = try ReplayBound.parse(from, topics: inputs)
            options.to = try ReplayBound.parse(to, topics: inputs)
        } catch {
            throw ValidationError("\(error)")
        }
        if options.from == .latest { throw ValidationError("--from latest would fold nothing; use earliest or offsets") }
        if options.to == .earliest { throw ValidationError("--to earliest would fold nothing; use latest or offsets") }
        options.promote = !(noSwap || dryRun)
        options.fresh = fresh
        options.maxBatch = maxBatch
        // An archive replay needs no broker: its consumer is never made.
        let kafka = fromArchive.isEmpty ? try global.kafkaConfig() : ((try? global.kafkaConfig()) ?? KafkaConfig(brokers: "unused:9092"))
        let settings = ProcessorSettings(
            databaseURL: try global.database(), kafka: kafka, deadLetterTopic: global.topics[definition.deadLetterTopic])
        let output = ProgressOutput(style: quiet ? .none : progress)
        let rebuild = Rebuild(
            definition: definition, topics: global.topics, settings: settings, migrations: migrationsDir, options: options,
            logger: logger, report: { output.show($0) })
        if let schema, !fromArchive.isEmpty {
            let outcome = try await rebuild.fromArchives(fromArchive, schema: schema)
            print("\(projection): \(outcome.folded) records of \(fromArchive.count) archive(s) folded into schema \(schema) in \(String(format: "%.1f", outcome.seconds)) s. Query its tables as \(schema).<table> (\(definition.tables.map(\.name).joined(separator: ", "))); drop it with DROP SCHEMA \(schema) CASCADE.")
            return
        }
        let outcome = try await rebuild.run()
        let rate = outcome.seconds > 0 ? Double(outcome.folded) / outcome.seconds : 0
        let summary = "\(projection) version \(outcome.version.number): \(outcome.folded) records folded in \(String(format: "%.1f", outcome.seconds)) s (\(Int(rate)) /s)"
        if outcome.promoted {
            print("\(summary); promoted: the live processor and the query service now use it. The previous version is kept until `turnstile projections drop \(projection) N`.")
        } else {
            print("\(summary); ready, not promoted. Promote it with `turnstile projections promote \(projection) \(outcome.version.number)`, or drop it with `turnstile projections drop \(projection) \(outcome.version.number)`.")
        }
        if dryRun {
            let session = try PGSession.connect(url: settings.databaseURL, logger: logger)
            defer { session.close() }
            let active = try ProjectionVersions().active(projection, session: session)
            let diff = try VersionDiff.between(definition, active, outcome.version, session: session)
            print(VersionsReport.diffText(diff))
        }
    }
}
