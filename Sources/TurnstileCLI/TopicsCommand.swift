import ArgumentParser
import Catalog
import Kafka
import Processor

struct TopicsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "topics", abstract: "Manage the topics of the catalog (topics/).",
        subcommands: [Apply.self])

    struct Apply: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create missing topics of the catalog and report differences on existing ones.",
            discussion: "Idempotent: existing topics are never changed, deleted or shrunk; differences are reported and make the command exit 2.")

        @OptionGroup var global: GlobalOptions

        @Option(help: "Directory of the topic catalog.")
        var topicsDir: String = defaultDirectory("topics")

        @Option(help: "Replication factor of new topics (1 for the local stack, 3 in production).")
        var replicationFactor: Int32 = 1

        func run() async throws {
            let logger = try global.bootstrap(label: "turnstile.topics")
            let catalog = try TopicCatalog.load(directory: topicsDir).prefixed(global.topicPrefix)
            let admin = try KafkaAdmin(config: try global.kafkaConfig(), logger: logger)
            defer { admin.close() }
            let report = try TopicApplier(admin: admin).apply(catalog, replicationFactor: replicationFactor)
            for line in report.lines { print(line) }
            if !report.differences.isEmpty { throw ExitCode(2) }
        }
    }
}
