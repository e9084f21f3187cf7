import Events
import Projections

/// What the wait-forecast fold keeps per attraction (`wait_prediction_state`, JSON): its park's recent schedules
/// and weather (from `parks.attraction-context`), its readings of the last three hours, its hour-of-week
/// baselines, when it last predicted, and the predictions still waiting for the wait they forecast.
public struct AttractionForecastState: Sendable, Equatable {
    public var parkID: String
    public var attractionID: String
    public var calendar = ParkCalendar(timeZone: nil)
    public var weather = WeatherHours()
    /// Waits and stops of the last `WaitFeatures.historyWindow`, in time order (readings outside the hours left out).
    public var points: [WaitFeatures.Point] = []
    public var baselines = HourOfWeekBaselines()
    public var lastPredictedAt: Int64?
    public var pending: [PendingPrediction] = []

    /// A prediction waiting for the reading at its target time.
    public struct PendingPrediction: Sendable, Equatable {
        public var madeAt: Int64
        public var horizon: Int
        public var targetTime: Int64
        public var predicted: Double
        public var source: ForecastSource
        public var modelVersion: Int?

        public init(madeAt: Int64, horizon: Int, targetTime: Int64, predicted: Double, source: ForecastSource, modelVersion: Int?) {
            self.madeAt = madeAt
            self.horizon = horizon
            self.targetTime = targetTime
            self.predicted = predicted
            self.source = source
            self.modelVersion = modelVersion
        }
    }

    public init(parkID: String, attractionID: String) {
        self.parkID = parkID
        self.attractionID = attractionID
    }
}
