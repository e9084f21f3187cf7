import APIDescription
import Events

/// A park's crowd level at one moment, a row of `crowd_levels`.
struct CrowdSample: Sendable, Equatable {
    /// The crowd levels, lowest first (`CrowdLevel`).
    static let levels = CrowdLevel.allCases.map(\.rawValue)
    static let schema = APISchema.reference("CrowdSample", .object([
        ("time", .dateTime), ("level", .enumeration(levels)), ("ratio", .number(minimum: 0)), ("mean_wait_minutes", .number(minimum: 0)),
        ("baseline_mean_minutes", .number(minimum: 0)), ("open_attractions", .integer(minimum: 0)),
    ]))

    var time: Timestamp
    var level: String
    var ratio: Double
    var meanWaitMinutes: Double
    var baselineMeanMinutes: Double
    var openAttractions: Int64

    func write(to json: inout JSONWriter) {
        json.beginObject()
        json.key("time")
        json.timestamp(time)
        json.key("level")
        json.string(level)
        json.key("ratio")
        json.double(ratio)
        json.key("mean_wait_minutes")
        json.double(meanWaitMinutes)
        json.key("baseline_mean_minutes")
        json.double(baselineMeanMinutes)
        json.key("open_attractions")
        json.int(openAttractions)
        json.endObject()
    }
}
