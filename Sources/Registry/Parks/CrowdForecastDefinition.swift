import Events
import Forecasting
import Processor
import Projections
import QueryService

extension ProjectionDefinition {
    public static let parksCrowdForecast = ProjectionDefinition(
        summary: "each park's crowd level forecast for the rest of its day, hour by hour, from its attractions' predicted waits",
        derivedTopics: [.parksCrowdForecasts], streams: [StreamedTopic(.parksCrowdForecasts, [CrowdForecastUpdated.self])], deadLetterTopic: .parksDeadLetters, tables: CrowdForecastTables.all,
        retention: [Retention(CrowdForecastTables.forecasts, keep: "400 days")],
        store: { topics, placement in CrowdForecastStore(projection: CrowdForecastProjection(topics: topics), placement: placement) },
        routes: { pool, tables in CrowdForecastRoutes(pool: pool, tables: tables) })
}
