import APIDescription
import Events

/// One hour of a park's crowd forecast, as served.
struct CrowdForecastHour: Sendable, Equatable {
    static let schema = APISchema.reference("CrowdForecastHour", .object([
        ("hour", .dateTime), ("level", .enumeration(CrowdSample.levels)), ("ratio", .number(minimum: 0)), ("mean_predicted_minutes", .number(minimum: 0)),
        ("attractions", .integer(minimum: 0)), ("made_at", .dateTime),
    ]))

    var hour: Timestamp
    var level: String
    var ratio: Double
    var meanPredictedMinutes: Double
    var attractions: Int64
    var madeAt: Timestamp

    func write(to json: inout JSONWriter) {
        json.beginObject()
        json.key("hour"); json.timestamp(hour)
        json.key("level"); json.string(level)
        json.key("ratio"); json.double((ratio * 1000).rounded() / 1000)
        json.key("mean_predicted_minutes"); json.double((meanPredictedMinutes * 10).rounded() / 10)
        json.key("attractions"); json.int(attractions)
        json.key("made_at"); json.timestamp(madeAt)
        json.endObject()
    }
}
