/// Every event type this build defines. The envelope decoder hands out these very strings for the `type` of
/// a record instead of allocating one per record (and equal strings that share storage compare at once);
/// a type missing here still decodes, it only costs that allocation.
public enum EventTypes {
    public static let all: [any EventPayload.Type] = [
        // Parks
        WaitTimeObserved.self, ParkScheduleUpdated.self, ParkWeatherHour.self, AttractionWaitUpdated.self, CrowdLevelChanged.self,
        WaitTimePredicted.self, AttractionContextUpdated.self, AttractionOutlookUpdated.self, CrowdForecastUpdated.self,
        // Motorsport
        LapCompleted.self, PitStopReported.self, PitStopCompleted.self, StintReported.self, PositionReported.self,
        PositionChanged.self, IntervalReported.self, DriverRetired.self, CarSample.self, FastestLapSet.self,
        PersonalBest.self, PacePredicted.self,
        // Parking
        SpotReading.self, SensorHeartbeat.self, SensorOffline.self, SensorRecovered.self, GatePassed.self,
        OccupancyCounted.self, FacilityLayout.self, OccupancyForecast.self, OccupancyThresholdCrossed.self,
    ]

    /// Their names, as the decoder compares them.
    static let names: [String] = all.map { $0.eventType }
}
