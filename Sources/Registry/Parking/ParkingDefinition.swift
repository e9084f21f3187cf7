import Events
import Processor
import Projections
import QueryService

extension ProjectionDefinition {
    public static let parkingOccupancy = ProjectionDefinition(
        summary: "parking occupancy now and over time, sensor states, stays, forecasts and alerts",
        derivedTopics: [.parkingAlerts, .parkingForecasts],
        streams: [
            StreamedTopic(.parkingAlerts, [SensorOffline.self, SensorRecovered.self, OccupancyThresholdCrossed.self]),
            StreamedTopic(.parkingForecasts, [OccupancyForecast.self]),
        ],
        changes: [StreamedChange("parking.occupancy.changed", scope: .facility, path: "/v1/facilities/{id}/occupancy")],
        deadLetterTopic: .parkingDeadLetters, tables: ParkingTables.all,
        retention: [
            Retention(ParkingTables.occupancyHistory, keep: "400 days"), Retention(ParkingTables.stays, keep: "400 days"),
            Retention(ParkingTables.forecasts, keep: "30 days"),
        ],
        store: { topics, placement in ParkingStore(projection: ParkingProjection(topics: topics), placement: placement) },
        routes: { pool, tables in ParkingRoutes(pool: pool, tables: tables) })
}
