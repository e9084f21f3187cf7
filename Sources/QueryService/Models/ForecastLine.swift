import APIDescription
import Events
import Forecasting

/// One horizon of an attraction's latest forecast, as served.
struct ForecastLine: Sendable, Equatable {
    /// Who may answer a forecast (`ForecastSource`).
    static let sources = ForecastSource.allCases.map(\.rawValue)
    static let schema = APISchema.reference("ForecastHorizon", .object([
        ("horizon_minutes", .integer(minimum: 1)), ("target_time", .dateTime), ("predicted_minutes", .number(minimum: 0)),
        ("source", .enumeration(sources)), ("model_version", .nullable(.integer)), ("made_at", .dateTime),
    ]))

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
    static let schema = APISchema.reference("ForecastAccuracy", .object([
        ("model_version", .nullable(.integer)), ("source", .enumeration(ForecastLine.sources)), ("horizon_minutes", .integer(minimum: 1)),
        ("predictions", .integer(minimum: 1)), ("mae_minutes", .number(minimum: 0)),
    ]))

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
