import ArgumentParser
import Events
import Foundation
import Postgres
import Processor
import Projections
import Registry
import Replay

struct ProjectionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "projections", abstract: "The registered projections, and the versions of each one.",
        subcommands: [List.self, Versions.self, Promote.self, Drop.self, Checksum.self, Diff.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List every registered projection: its topics and its tables.",
            discussion: "Needs no broker or database: it prints the definitions this build carries (ProjectionRegistry).")

        @Flag(help: "One JSON object per projection, one per line (for scripts).")
        var json = false

        @Option(help: "Prefix of every topic name, as the deployment's (default: $TURNSTILE_TOPIC_PREFIX or none).")
        var topicPrefix: String = ProcessInfo.processInfo.environment["TURNSTILE_TOPIC_PREFIX"] ?? ""

        func run() async throws {
            let topics = TopicNames(prefix: topicPrefix)
            for p in ProjectionRegistry.all {
                if json {
                    var w = JSONWriter(capacity: 512)
                    w.beginObject()
                    w.key("name"); w.string(p.name)
                    w.key("summary"); w.string(p.summary)
                    w.key("input_topics"); w.beginArray(); for t in p.inputTopics { w.string(topics[t]) }; w.endArray()
                    w.key("derived_topics"); w.beginArray(); for t in p.derivedTopics { w.string(topics[t]) }; w.endArray()
                    w.key("dead_letter_topic"); w.string(topics[p.deadLetterTopic])
                    w.key("tables"); w.beginArray()
                    for table in p.tables {
                        w.beginObject()
                        w.key("name"); w.string(table.name)
                        w.key("columns"); w.int(table.columns.count)
                        w.key("hypertable"); w.bool(table.hypertable != nil)
                        w.key("mirrors_state"); w.bool(table.mirrorsState)
                        w.endObject()
                    }
                    w.endArray()
                    w.endObject()
                    print(w.string)
                } else {
                    print("\(p.name) — \(p.summary)")
                    print("  reads    \(p.inputTopics.map { topics[$0] }.joined(separator: ", "))")
                    if !p.derivedTopics.isEmpty { print("  derives  \(p.derivedTopics.map { topics[$0] }.joined(separator: ", "))") }
                    print("  refuses  \(topics[p.deadLetterTopic])")
                    let tables = p.tables.map { t in
                        t.name + (t.hypertable != nil ? " (hypertable)" : "") + (t.mirrorsState ? " (state)" : "")
                    }
                    print("  tables   \(tables.joined(separator: ", "))")
                }
            }
        }
    }

    struct Versions: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the versions of a projection (all projections when none is named): status, where, progress.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "A projection (default: all).") var projection: String?
        @Flag(help: "One JSON object per version, one per line.") var json = false

        func run() async throws {
            let logger = try global.bootstrap(label: "turnstile.projections")
            if let projection { _ = try ProjectionRegistry.named(projection) }
            let session = try PGSession.connect(url: try global.database(), logger: logger)
            defer { session.close() }
            let versions = try ProjectionVersions().list(projection, known: ProjectionRegistry.names, session: session)
            if json { for v in versions { print(VersionsReport.json(v)) } } else { print(VersionsReport.table(versions)) }
        }
    }

    struct Promote: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a version of a projection the active one (a version built with --no-swap, or a retired one to roll back).",
            discussion: """
                The version first folds from its own offsets up to the live version's (it never folds past them), then
                takes over in one transaction, as `turnstile replay` does: the live processor and the query service
                switch to it with no event missed or folded twice. Needs the broker and the database.
                """)

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The projection.") var projection: String
        @Argument(help: "The version to promote.") var version: Int
        @Option(help: "Progress display: bar, json, none.") var progress: ProgressStyle = .bar
        @Option(help: "Directory of the migrations.") var migrationsDir: String = defaultDirectory("projections/migrations")

        func run() async throws {
            let logger = try global.bootstrap(label: "turnstile.projections")
            let definition = try ProjectionRegistry.named(projection)
            let settings = ProcessorSettings(
                databaseURL: try global.database(), kafka: try global.kafkaConfig(),
                deadLetterTopic: global.topics[definition.deadLetterTopic])
            let output = ProgressOutput(style: progress)
            let rebuild = Rebuild(
                definition: definition, topics: global.topics, settings: settings, migrations: migrationsDir,
                options: Rebuild.Options(), logger: logger, report: { output.show($0) })
            let outcome = try await rebuild.promote(version)
            print("\(projection) version \(outcome.version.number) is active (\(outcome.folded) records folded to catch up).")
        }
    }

    struct Drop: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Drop a version of a projection: its tables and offsets. The active version cannot be dropped.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The projection.") var projection: String
        @Argument(help: "The version to drop.") var version: Int
        @Option(help: "Directory of the migrations.") var migrationsDir: String = defaultDirectory("projections/migrations")

        func run() async throws {
            let logger = try global.bootstrap(label: "turnstile.projections")
            let definition = try ProjectionRegistry.named(projection)
            let session = try PGSession.connect(url: try global.database(), logger: logger)
            defer { session.close() }
            let versions = ProjectionVersions()
            guard let found = try versions.find(projection, version, session: session) else {
                throw ValidationError("\(projection) has no version \(version): see `turnstile projections versions \(projection)`")
            }
            guard found.status != .active else {
                throw ValidationError("version \(version) of \(projection) is active: promote another version first")
            }
            try session.transaction { s in
                try VersionTables(definition: definition, migrations: migrationsDir, logger: logger).drop(found, session: s)
                try versions.remove(projection, version, session: s)
            }
            print("dropped \(projection) version \(version) (\(found.placement.schema.map { "schema \($0)" } ?? "the original tables"))")
        }
    }

    struct Checksum: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print an order-independent checksum of a version's tables (default: the active version).",
            discussion: "Over every declared column of every table (wall-clock columns such as processed_at are not declared). Two versions that folded the same offsets of the same log have the same checksum.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The projection.") var projection: String
        @Argument(help: "The version (default: the active one).") var version: Int?
        @Flag(help: "JSON instead of text.") var json = false

        func run() async throws {
            let logger = try global.bootstrap(label: "turnstile.projections")
            let definition = try ProjectionRegistry.named(projection)
            let session = try PGSession.connect(url: try global.database(), logger: logger)
            defer { session.close() }
            let target = try ProjectionsCommand.version(projection, version, session: session)
            let checksum = try VersionChecksum.of(definition, version: target, session: session)
            if json {
                var w = JSONWriter(capacity: 512)
                w.beginObject()
                w.key("projection"); w.string(projection)
                w.key("version"); w.int(target.number)
                w.key("checksum"); w.string(checksum.digest)
                w.key("tables"); w.beginObject()
                for t in checksum.tables {
                    w.key(t.table); w.beginObject(); w.key("rows"); w.int(t.rows); w.key("md5"); w.string(t.md5); w.endObject()
                }
                w.endObject()
                w.endObject()
                print(w.string)
            } else {
                print(VersionsReport.checksumText(checksum))
            }
        }
    }

    struct Diff: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compare two versions of a projection: rows and checksum per table, and a sample of differing keys.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The projection.") var projection: String
        @Argument(help: "One version.") var a: Int
        @Argument(help: "The other version.") var b: Int
        @Option(help: "Differing keys shown per table and side.") var sample: Int = 5

        func run() async throws {
            let logger = try global.bootstrap(label: "turnstile.projections")
            let definition = try ProjectionRegistry.named(projection)
            let session = try PGSession.connect(url: try global.database(), logger: logger)
            defer { session.close() }
            let va = try ProjectionsCommand.version(projection, a, session: session)
            let vb = try ProjectionsCommand.version(projection, b, session: session)
            let diff = try VersionDiff.between(definition, va, vb, sample: sample, session: session)
            print(VersionsReport.diffText(diff))
            if !diff.identical { throw ExitCode(1) }
        }
    }

    /// Version `number` of `projection`, or its active version.
    static func version(_ projection: String, _ number: Int?, session: PGSession) throws -> ProjectionVersion {
        let versions = ProjectionVersions()
        guard let number else { return try versions.active(projection, session: session) }
        guard let found = try versions.find(projection, number, session: session) else {
            throw ValidationError("\(projection) has no version \(number): see `turnstile projections versions \(projection)`")
        }
        return found
    }
}
