/// Every topic Turnstile reads or writes, by its base name in the catalog (`topics/NAME.json`, which holds
/// its partitions, retention and event types; a test checks that the two list the same topics). Code names a
/// topic only through this type, and a deployment's name for it only through `TopicNames`.
public enum Topic: String, CaseIterable, Sendable {
    /// Raw wait-time observations, keyed by attraction.
    case parksWaitTimes = "parks.wait-times"
    /// Raw opening hours, keyed by park.
    case parksSchedules = "parks.schedules"
    /// Hourly weather at each park (observed and forecast), keyed by park: context for wait forecasts.
    case parksWeather = "parks.weather"
    /// Derived: each change of an attraction's wait, status or baseline, re-keyed by park.
    case parksAttractionUpdates = "parks.attraction-updates"
    /// Derived: crowd level changes, keyed by park.
    case parksCrowdLevels = "parks.crowd-levels"
    /// Derived: the park's schedules and weather re-keyed to each of its attractions (co-partitioned with
    /// `parksWaitTimes`).
    case parksAttractionContext = "parks.attraction-context"
    /// Derived: each attraction's forecast waits, keyed by attraction.
    case parksWaitPredictions = "parks.wait-predictions"
    /// Derived: each attraction's predicted waits for the rest of the day, hour by hour, re-keyed by park.
    case parksAttractionOutlooks = "parks.attraction-outlooks"
    /// Derived: each park's crowd level forecast for the rest of the day, keyed by park.
    case parksCrowdForecasts = "parks.crowd-forecasts"
    case parksDeadLetters = "parks.dead-letters"

    /// Laps, pit stops, stints, positions, intervals and retirements, keyed by session: one fold sees a whole
    /// field in order (a leaderboard needs every car).
    case motorsportTiming = "motorsport.timing"
    /// Car telemetry, the volume, keyed by car.
    case motorsportCarData = "motorsport.car-data"
    /// Derived race events: fastest lap, personal bests, pit stops completed, position changes.
    case motorsportRaceEvents = "motorsport.race-events"
    /// Derived: race commentary, templated lines keyed by session.
    case motorsportCommentary = "motorsport.commentary"
    case motorsportDeadLetters = "motorsport.dead-letters"

    /// Spot readings, heartbeats, gate passages, counted totals and layouts, keyed by facility: one fold sees a
    /// facility in order, and its clock is the event time of the facility's own stream.
    case parkingSensors = "parking.sensors"
    /// Derived: sensors going offline and recovering, occupancy thresholds crossed.
    case parkingAlerts = "parking.alerts"
    /// Derived: occupancy forecasts, one per facility every 15 minutes of its clock.
    case parkingForecasts = "parking.forecasts"
    case parkingDeadLetters = "parking.dead-letters"

    /// The catalog's name of the topic (without a deployment's prefix).
    public var baseName: String { rawValue }
}
