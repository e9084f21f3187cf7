import Processor
import Projections
import QueryService

extension ProjectionDefinition {
    public static let parkingOccupancy = ProjectionDefinition(
        summary: "parking occupancy now and over time, sensor states, stays, forecasts and alerts",
        derivedTopics: [.parkingAlerts, .parkingForecasts], deadLetterTopic: .parkingDeadLetters, tables: ParkingTables.all,
        store: { topics, placement in ParkingStore(projection: ParkingProjection(topics: topics), placement: placement) },
        routes: { pool, tables in ParkingRoutes(pool: pool, tables: tables) })
}
