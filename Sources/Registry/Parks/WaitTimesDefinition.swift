import Events
import Processor
import Projections
import QueryService

extension ProjectionDefinition {
    public static let parksWaitTimes = ProjectionDefinition(
        summary: "each attraction's wait history, current state and hour-of-week baselines",
        derivedTopics: [.parksAttractionUpdates], streams: [StreamedTopic(.parksAttractionUpdates, [AttractionWaitUpdated.self])], deadLetterTopic: .parksDeadLetters, tables: WaitTimesTables.all,
        retention: [Retention(WaitTimesTables.waitTimes, keep: "400 days")],
        store: { topics, placement in WaitTimesStore(projection: WaitTimesProjection(topics: topics), placement: placement) },
        routes: { pool, tables in WaitTimesRoutes(pool: pool, tables: tables) })
}
