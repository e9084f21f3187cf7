import Events

/// One horizon of an attraction's latest forecast, as served.
struct ForecastLine: Sendable, Equatable {
    var madeAt: Timestamp
    var horizonMinutes: Int64
    var targetTime: Timestamp
    var predictedMinutes: Double
    var source: String
    var modelVersion: Int64?

    func write(to json: inout JSONWriter) {
        json.beginObject()
        json.key("horizon_minutes"); json.int(horizonMinutes)
        json.key("target_time"); json.timestamp(targetTime)
        json.key("predicted_minutes"); json.double((predictedMinutes * 10).rounded() / 10)
        json.key("source"); json.string(source)
        json.key("model_version"); json.optional(modelVersion)
        json.key("made_at"); json.timestamp(madeAt)
        json.endObject()
    }
}

/// Live accuracy of one model version (or baseline) at one horizon over a range of target times.
struct AccuracyLine: Sendable, Equatable {
    var modelVersion: Int64?
    var source: String
    var horizonMinutes: Int64
    var predictions: Int64
    var meanAbsoluteError: Double

    func write(to json: inout JSONWriter) {
        json.beginObject()
        json.key("model_version"); json.optional(modelVersion)
        json.key("source"); json.string(source)
        json.key("horizon_minutes"); json.int(horizonMinutes)
        json.key("predictions"); json.int(predictions)
        json.key("mae_minutes"); json.double((meanAbsoluteError * 100).rounded() / 100)
        json.endObject()
    }
}
