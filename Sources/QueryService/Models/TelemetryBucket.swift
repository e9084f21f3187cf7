import APIDescription
import Events

/// A car's telemetry over one bucket of the 1-second rollup.
struct TelemetryBucket: Sendable, Equatable {
    static let schema = APISchema.reference("TelemetryBucket", .object([
        ("time", .dateTime), ("samples", .integer(minimum: 1)), ("speed_min", .integer), ("speed_max", .integer), ("speed_mean", .number),
        ("throttle_mean", .number), ("brake_share", .number(minimum: 0, maximum: 1)), ("gear_max", .integer),
        ("drs_open_share", .number(minimum: 0, maximum: 1)),
    ]))

    var time: Timestamp
    var samples: Int64
    var speedMin: Int64
    var speedMax: Int64
    var speedMean: Double
    var throttleMean: Double
    var brakeShare: Double
    var gearMax: Int64
    var drsOpenShare: Double

    func write(to json: inout JSONWriter) {
        json.beginObject()
        json.key("time"); json.timestamp(time)
        json.key("samples"); json.int(samples)
        json.key("speed_min"); json.int(speedMin)
        json.key("speed_max"); json.int(speedMax)
        json.key("speed_mean"); json.double(speedMean)
        json.key("throttle_mean"); json.double(throttleMean)
        json.key("brake_share"); json.double(brakeShare)
        json.key("gear_max"); json.int(gearMax)
        json.key("drs_open_share"); json.double(drsOpenShare)
        json.endObject()
    }
}
