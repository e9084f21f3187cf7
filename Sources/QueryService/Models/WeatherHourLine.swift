import APIDescription
import Events

/// One hour of a park's weather as served: the latest report of it, and whether that report was a forecast
/// (fetched before the hour began).
struct WeatherHourLine: Sendable, Equatable {
    static let schema = APISchema.reference("WeatherHour", .object([
        ("hour", .dateTime), ("temperature_c", .nullable(.number)), ("precipitation_mm", .nullable(.number(minimum: 0))),
        ("reported_at", .dateTime), ("forecast", .boolean),
    ]))

    var hour: Timestamp
    var temperatureC: Double?
    var precipitationMM: Double?
    var reportedAt: Timestamp

    var isForecast: Bool { reportedAt < hour }

    func write(to json: inout JSONWriter) {
        json.beginObject()
        json.key("hour"); json.timestamp(hour)
        json.key("temperature_c"); json.optional(temperatureC)
        json.key("precipitation_mm"); json.optional(precipitationMM)
        json.key("reported_at"); json.timestamp(reportedAt)
        json.key("forecast"); json.bool(isForecast)
        json.endObject()
    }
}
