import Events
import Processor
import Projections
import QueryService

extension ProjectionDefinition {
    public static let motorsportSession = ProjectionDefinition(
        summary: "a session's laps, live leaderboard, stints with tyre degradation, and race events",
        derivedTopics: [.motorsportRaceEvents],
        streams: [StreamedTopic(.motorsportRaceEvents, [FastestLapSet.self, PersonalBest.self, PitStopCompleted.self, PositionChanged.self, PacePredicted.self])],
        changes: [StreamedChange("motorsport.leaderboard.changed", scope: .session, path: "/v1/sessions/{id}/leaderboard")],
        deadLetterTopic: .motorsportDeadLetters, tables: SessionTables.all,
        store: { topics, placement in SessionStore(projection: SessionProjection(topics: topics), placement: placement) },
        routes: { pool, tables in SessionRoutes(pool: pool, tables: tables) })
}
