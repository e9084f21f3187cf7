import Processor
import Projections
import QueryService

extension ProjectionDefinition {
    public static let parksWeather = ProjectionDefinition(
        summary: "every weather report of each park's hours (observed and forecast), as known when fetched: the forecasts' inputs",
        derivedTopics: [], deadLetterTopic: .parksDeadLetters, tables: WeatherTables.all,
        retention: [Retention(WeatherTables.reports, keep: "400 days")],
        store: { topics, placement in WeatherStore(projection: WeatherProjection(topics: topics), placement: placement) },
        routes: { pool, tables in WeatherRoutes(pool: pool, tables: tables) })
}
