import Events
import Processor
import Projections
import QueryService

extension ProjectionDefinition {
    public static let parksCrowd = ProjectionDefinition(
        summary: "each park's crowd level from its attractions' waits against their baselines, and its opening hours",
        derivedTopics: [.parksCrowdLevels], streams: [StreamedTopic(.parksCrowdLevels, [CrowdLevelChanged.self])], deadLetterTopic: .parksDeadLetters, tables: CrowdTables.all,
        retention: [Retention(CrowdTables.crowdLevels, keep: "400 days")],
        store: { topics, placement in CrowdStore(projection: CrowdProjection(topics: topics), placement: placement) },
        routes: { pool, tables in CrowdRoutes(pool: pool, tables: tables) })
}
