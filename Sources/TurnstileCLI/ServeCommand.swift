import APIDescription
import ArgumentParser
import Events
import Foundation
import Hummingbird
import Ingest
import Kafka
import Logging
import Postgres
import Processor
import Projections
import QueryService
import Registry
import ServiceLifecycle

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the dashboard (/), the query API (HTTP/JSON), the live stream (GET /v1/stream, Server-Sent Events), HTTP ingest (POST /v1/events), /health, /ready and /metrics.",
        discussion: """
            With --process the same process also runs the projections and the outbox relay (the demo's
            all-in-one mode); /metrics then shows the processor's metrics too. SIGTERM/SIGINT shut everything
            down gracefully.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var processor: ProcessorOptions

    @Option(help: "Address to listen on.") var host: String = "127.0.0.1"
    @Option(help: "Port to listen on.") var port: Int = 8080
    @Option(help: "Database connections for queries.") var connections: Int = 4
    static let defaultMaxBodyBytes = 8 << 20
    @Option(help: "Largest accepted ingest body, in bytes.") var maxBodyBytes: Int = ServeCommand.defaultMaxBodyBytes
    @Option(help: "How far ahead of this server's clock an ingested event's time may be, in seconds (at most 86400).")
    var maxEventTimeAhead: Int64 = RawEventRouter.defaultMaxAheadSeconds
    @Option(help: ArgumentHelp(
        "PostgreSQL URL the queries read with (default: $TURNSTILE_QUERY_DATABASE_URL, else the database URL).",
        discussion: "Give it the read-only role the migrations make, turnstile_query (SELECT only), e.g. postgres://turnstile_query@127.0.0.1:15432/turnstile."))
    var queryDatabaseURL: String?
    @Option(help: "Events queued for one stream client before it is cut off as too slow (GET /v1/stream).")
    var streamBuffer: Int = StreamSettings().clientBuffer
    @Option(help: "Seconds of quiet after which the stream sends a heartbeat comment.") var streamHeartbeat: Int = 15
    @Option(help: "Stream clients served at once; more are answered 503.") var streamMaxClients: Int = StreamSettings().maxClients
    @Option(help: "The most missed events a reconnecting stream client is replayed; further behind it gets a reset event.")
    var streamMaxReplay: Int64 = StreamSettings().maxReplay
    @Option(help: ArgumentHelp(
        "Folder of the dashboard's files, read again on every request (default: the ones shipped beside the binary, read once).",
        discussion: "For working on the page: edit, reload, no rebuild. E.g. Sources/QueryService/DashboardFiles."))
    var dashboardDir: String?
    @Flag(help: "Also run the projections and the relay in this process.") var process = false
    @Flag(help: "Do not accept HTTP ingest.") var noIngest = false

    func validate() throws {
        guard streamBuffer > 0, streamHeartbeat > 0, streamMaxClients > 0, streamMaxReplay >= 0 else {
            throw ValidationError("--stream-buffer, --stream-heartbeat and --stream-max-clients must be positive, --stream-max-replay at least 0")
        }
        guard (0...EventEnvelope.maxEventTimeAheadSeconds).contains(maxEventTimeAhead) else {
            throw ValidationError("--max-event-time-ahead must be within 0...\(EventEnvelope.maxEventTimeAheadSeconds) seconds")
        }
    }

    func run() async throws {
        let logger = try global.bootstrap(label: "turnstile.serve")
        let kafka = try global.kafkaConfig()
        // The queries (and the version watcher, which only reads and listens) use the read-only URL when given.
        let databaseURL = try queryDatabaseURL ?? ProcessInfo.processInfo.environment["TURNSTILE_QUERY_DATABASE_URL"] ?? global.database()
        let pool = PGPool(url: databaseURL, maxConnections: connections, logger: logger)
        let admin = try KafkaAdmin(config: kafka, logger: logger)
        let producer = noIngest ? nil : try KafkaProducer(config: kafka, logger: logger)
        // With --process, /ready also says whether each projection worker and the relay run.
        let health = ProcessorHealth()
        let processing = process
        // Each projection is read from its active version, followed across promotions.
        let tables = SharedTableDirectory()
        let watcher = ActiveVersionsWatcher(directory: tables, pool: pool, databaseURL: databaseURL, logger: logger)
        do { try await watcher.refresh() } catch {
            logger.warning("cannot read the projection versions yet; reading the original tables until it can", metadata: ["error": "\(error)"])
        }
        let ingest = producer.map {
            IngestRoutes(
                publisher: EventPublisher(
                    producer: $0, router: RawEventRouter(topics: global.topics, maxAheadSeconds: maxEventTimeAhead)),
                maxBodyBytes: maxBodyBytes, logger: logger)
        }
        var streamSettings = StreamSettings()
        streamSettings.clientBuffer = streamBuffer
        streamSettings.heartbeat = .seconds(streamHeartbeat)
        streamSettings.maxClients = streamMaxClients
        streamSettings.maxReplay = streamMaxReplay
        let hub = StreamHub(
            topics: global.topics, kafka: kafka, streamed: ProjectionRegistry.streamed, changes: ProjectionRegistry.changes, databaseURL: databaseURL,
            settings: streamSettings, logger: logger)
        let stream = StreamRoutes(stream: hub)
        let dashboard = DashboardRoutes(assets: .load(from: dashboardDir.map { [$0] }), rereads: dashboardDir != nil)
        if let directory = dashboard.assets.directory {
            logger.info("dashboard", metadata: ["files": "\(directory)"])
        } else {
            logger.warning("the dashboard's files were not found: / answers 503", metadata: ["searched": "\(dashboard.assets.searched)"])
        }
        let service = QueryService(
            pool: pool, tables: tables, otherOperations: (ingest?.operations ?? []) + stream.operations + DashboardRoutes.operations,
            readiness: {
                let database = (try? await pool.query("SELECT 1")) != nil
                // Metadata is a blocking librdkafka call: keep it off the cooperative pool.
                let broker = (try? await BlockingThread.run(name: "ready-check") { try admin.listTopics(timeoutMs: 2_000) }) != nil
                var checks = ["database": database, "broker": broker]
                if processing { checks.merge(health.readinessChecks) { a, _ in a } }
                return checks
            },
            metrics: { Observability.prometheusText() }, version: TurnstileVersion.current)
        let app = buildQueryApplication(service, host: host, port: port, logger: logger) { router in
            ingest?.register(on: router)
            stream.add(to: router)
            dashboard.add(to: router)
        }
        // Shut down in reverse: the stream's clients end first, so the server's graceful shutdown is not held by them.
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: app), .init(service: watcher), .init(service: hub)]
        if process {
            services.append(.init(service: try processor.service(global: global, health: health, logger: logger)))
        }
        let group = ServiceGroup(configuration: .init(
            services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
        producer?.close()
        admin.close()
        await pool.close()
    }
}
