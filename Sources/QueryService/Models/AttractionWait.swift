import APIDescription
import Events

/// One attraction's current state, a row of `attraction_current`.
struct AttractionWait: Sendable, Equatable {
    /// Its JSON, as `write(to:)` writes it.
    static let schema = APISchema.reference("AttractionWait", .object([
        ("attraction_id", .string), ("name", .nullable(.string)), ("status", .nullable(.string)),
        ("wait_minutes", .nullable(.integer(minimum: 0))), ("observed_at", .nullable(.dateTime)), ("status_changed_at", .nullable(.dateTime)),
        ("forecast_60", .nullable(.object([
            ("predicted_minutes", .number(minimum: 0)), ("target_time", .dateTime), ("source", .enumeration(ForecastLine.sources)),
            ("model_version", .nullable(.integer)),
        ], description: "The newest 60-minute forecast, when one was made in the last hour."))),
    ]))

    var attractionID: String
    var name: String?
    var status: String?
    var waitMinutes: Int64?
    var observedAt: Timestamp?
    var statusChangedAt: Timestamp?
    /// The newest 60-minute forecast (`parks_wait_predictions`), when one was made in the last hour.
    var forecast60: Forecast? = nil

    struct Forecast: Sendable, Equatable {
        var predictedMinutes: Double
        var targetTime: Timestamp
        var source: String
        var modelVersion: Int64?
    }

    func write(to json: inout JSONWriter) {
        json.beginObject()
        json.key("attraction_id")
        json.string(attractionID)
        json.key("name")
        json.optional(name)
        json.key("status")
        json.optional(status)
        json.key("wait_minutes")
        json.optional(waitMinutes)
        json.key("observed_at")
        json.optional(observedAt)
        json.key("status_changed_at")
        json.optional(statusChangedAt)
        json.key("forecast_60")
        if let f = forecast60 {
            json.beginObject()
            json.key("predicted_minutes"); json.double((f.predictedMinutes * 10).rounded() / 10)
            json.key("target_time"); json.timestamp(f.targetTime)
            json.key("source"); json.string(f.source)
            json.key("model_version"); json.optional(f.modelVersion)
            json.endObject()
        } else {
            json.null()
        }
        json.endObject()
    }
}
