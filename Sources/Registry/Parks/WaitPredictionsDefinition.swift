import Events
import Forecasting
import Foundation
import Processor
import Projections
import QueryService

extension ProjectionDefinition {
    /// Least minutes between two forecasts of an attraction: `TURNSTILE_FORECAST_EVERY_MINUTES` (default 5).
    static let forecastEveryMinutes = ProcessInfo.processInfo.environment["TURNSTILE_FORECAST_EVERY_MINUTES"].flatMap { Int($0) } ?? 5

    public static let parksWaitPredictions = ProjectionDefinition(
        summary: "each attraction's wait forecast 15–120 minutes ahead from the active model (or the fallback chain), and its live errors",
        derivedTopics: [.parksWaitPredictions, .parksAttractionOutlooks],
        streams: [StreamedTopic(.parksWaitPredictions, [WaitTimePredicted.self]), StreamedTopic(.parksAttractionOutlooks, [AttractionOutlookUpdated.self])],
        deadLetterTopic: .parksDeadLetters, tables: WaitPredictionTables.all,
        retention: [Retention(WaitPredictionTables.predictions, keep: "30 days"), Retention(WaitPredictionTables.errors, keep: "400 days")],
        store: { topics, placement in
            WaitPredictionsStore(
                projection: WaitPredictionsProjection(topics: topics, intervalMinutes: forecastEveryMinutes), placement: placement)
        },
        routes: { pool, tables in ForecastRoutes(pool: pool, tables: tables) })
}
