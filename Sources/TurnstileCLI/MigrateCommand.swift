import ArgumentParser
import Postgres
import Processor
import Registry

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply the SQL migrations of projections/migrations to the database (idempotent).",
        discussion: "Each file is applied once, in name order, in its own transaction, and recorded in turnstile_migrations. Tables become hypertables when TimescaleDB is installed; plain tables otherwise.")

    @OptionGroup var global: GlobalOptions

    @Option(help: "Directory of the migrations.")
    var migrationsDir: String = defaultDirectory("projections/migrations")

    func run() async throws {
        let logger = try global.bootstrap(label: "turnstile.migrate")
        let session = try PGSession.connect(url: try global.database(), logger: logger)
        defer { session.close() }
        let report = try Migrator.forActiveVersions(directory: migrationsDir, session: session, logger: logger).migrate(session)
        print("timescaledb: \(report.timescale ? "yes (hypertables)" : "no (plain tables)")")
        for file in report.applied { print("applied \(file)") }
        print("\(report.applied.count) applied, \(report.alreadyApplied.count) already applied")
    }
}
