import APIDescription
import ArgumentParser
import Ingest
import Logging
import Postgres
import QueryService
import Registry

struct OpenAPICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "openapi",
        abstract: "Print the HTTP API's OpenAPI 3.1 document (what `turnstile serve` answers at /openapi.json).",
        discussion: "--markdown prints its endpoints as the table README.md holds. Needs no database or broker.")

    @Flag(help: "Print the endpoints as a Markdown table instead of the JSON document.") var markdown = false

    func run() throws {
        // The routes' descriptions are values: building the routes opens no connection (the pool connects on a first query).
        let pool = PGPool(url: "postgres://unused/unused", maxConnections: 1, logger: Logger(label: "turnstile.openapi"))
        let service = QueryService(
            pool: pool,
            otherOperations: IngestRoutes.operations(maxBodyBytes: ServeCommand.defaultMaxBodyBytes) + StreamRoutes.operations(streamed: ProjectionRegistry.streamed, changes: ProjectionRegistry.changes)
                + DashboardRoutes.operations,
            readiness: { [:] },
            metrics: { "" }, version: TurnstileVersion.current)
        print(markdown ? service.document.markdownTable : String(decoding: service.document.json, as: UTF8.self))
    }
}
