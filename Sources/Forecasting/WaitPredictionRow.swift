import Events

/// What the wait-forecast fold writes: a prediction made, or the error of one whose target time has come.
public enum WaitPredictionRow: Sendable, Equatable {
    case prediction(parkID: String, attractionID: String, AttractionForecastState.PendingPrediction)
    case error(parkID: String, attractionID: String, AttractionForecastState.PendingPrediction, actual: Int, observedAt: Int64)
}
