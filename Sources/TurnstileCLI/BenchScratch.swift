import Catalog
import Events
import Kafka
import Logging
import Processor
import Registry

/// What a bench works in and removes afterwards: topics of the catalog under a prefix of its own
/// (`bench-<id>.`) and a scratch database (`turnstile_bench_<id>`, migrated).
final class BenchScratch {
    let id: String
    let topics: TopicNames
    let admin: KafkaAdmin
    let catalog: TopicCatalog
    let database: ScratchDatabase

    init(id: String, kafka: KafkaConfig, baseURL: String, logger: Logger) throws {
        self.id = id
        topics = TopicNames(prefix: "bench-\(id).")
        admin = try KafkaAdmin(config: kafka, logger: logger)
        catalog = try TopicCatalog.load(directory: defaultDirectory("topics")).prefixed(topics.prefix)
        _ = try TopicApplier(admin: admin).apply(catalog)
        database = try ScratchDatabase(
            baseURL: baseURL, name: "turnstile_bench_\(id)", migrationsDirectory: defaultDirectory("projections/migrations"),
            logger: logger)
    }

    var databaseURL: String { database.url }

    /// Drops the database and the topics.
    func remove() {
        database.drop()
        _ = try? admin.deleteTopics(catalog.topics.map(\.name))
        admin.close()
    }
}
