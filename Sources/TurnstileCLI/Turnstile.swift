import ArgumentParser

@main
struct Turnstile: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "turnstile",
        abstract: "Event-sourced stream processor for live venue telemetry (Kafka → Swift folds → TimescaleDB).",
        discussion: """
            Every command reads KAFKA_BROKERS and DATABASE_URL from the environment unless flags say otherwise.
            librdkafka settings pass through as KAFKA_CONFIG_<KEY> variables (KAFKA_CONFIG_SECURITY_PROTOCOL=SASL_SSL).
            """,
        version: TurnstileVersion.current,
        subcommands: [
            TopicsCommand.self, MigrateCommand.self, IngestCommand.self, SimulateCommand.self, ProcessCommand.self,
            ServeCommand.self, BenchCommand.self, ProjectionsCommand.self, ReplayCommand.self, ArchiveCommand.self,
            TrainCommand.self, ModelsCommand.self, OpenAPICommand.self,
        ])
}
