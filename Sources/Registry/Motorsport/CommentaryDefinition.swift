import Events
import Foundation
import Processor
import Projections
import QueryService

extension ProjectionDefinition {
    /// Low-priority lines per lap: `TURNSTILE_COMMENTARY_LOW_PRIORITY_PER_LAP` (default 3).
    static let commentaryLowPriorityPerLap =
        ProcessInfo.processInfo.environment["TURNSTILE_COMMENTARY_LOW_PRIORITY_PER_LAP"].flatMap { Int($0) } ?? 3

    public static let motorsportCommentary = ProjectionDefinition(
        summary: "race commentary: templated lines on the session's race events, low-priority lines capped per lap",
        derivedTopics: [.motorsportCommentary], streams: [StreamedTopic(.motorsportCommentary, [CommentaryLine.self])], deadLetterTopic: .motorsportDeadLetters, tables: CommentaryTables.all,
        store: { topics, placement in
            CommentaryStore(
                projection: CommentaryProjection(topics: topics, maxLowPriorityPerLap: commentaryLowPriorityPerLap),
                placement: placement)
        },
        routes: { pool, tables in CommentaryRoutes(pool: pool, tables: tables) })
}
