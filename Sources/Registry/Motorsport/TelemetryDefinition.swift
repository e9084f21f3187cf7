import Processor
import Projections
import QueryService

extension ProjectionDefinition {
    public static let motorsportTelemetry = ProjectionDefinition(
        summary: "car telemetry and its 1-second rollup",
        derivedTopics: [], deadLetterTopic: .motorsportDeadLetters, tables: TelemetryTables.all,
        retention: [Retention(TelemetryTables.telemetry, keep: "7 days"), Retention(TelemetryTables.telemetry1s, keep: "90 days")],
        store: { topics, placement in TelemetryStore(projection: TelemetryProjection(topics: topics), placement: placement) },
        routes: { pool, tables in TelemetryRoutes(pool: pool, tables: tables) })
}
