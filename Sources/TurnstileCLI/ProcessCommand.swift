import ArgumentParser
import Logging
import Processor
import ServiceLifecycle

struct ProcessCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "process",
        abstract: "Fold topics into the TimescaleDB projections, effectively once, and relay derived events.",
        discussion: """
            Each projection is a member of consumer group PREFIX.PROJECTION: start more processes to scale out.
            Per batch one transaction writes rows, derived events (outbox) and offsets; on assignment each
            partition resumes from the offset in PostgreSQL. SIGTERM/SIGINT: finish the batch in flight,
            commit, leave the group, exit 0.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var processor: ProcessorOptions

    func run() async throws {
        let logger = try global.bootstrap(label: "turnstile.process")
        let service = try processor.service(global: global, logger: logger)
        let group = ServiceGroup(configuration: .init(
            services: [.init(service: service, successTerminationBehavior: .gracefullyShutdownGroup)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
