import Processor
import Projections
import QueryService

extension ProjectionDefinition {
    public static let parksAttractionContext = ProjectionDefinition(
        summary: "each park's schedules and weather re-keyed to every attraction of the park, for the folds keyed by attraction",
        derivedTopics: [.parksAttractionContext], deadLetterTopic: .parksDeadLetters, tables: ParkContextTables.all,
        store: { topics, placement in ParkContextStore(projection: ParkContextProjection(topics: topics), placement: placement) },
        routes: { pool, tables in ParkContextRoutes(pool: pool, tables: tables) })
}
