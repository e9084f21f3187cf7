import APIDescription
import Events

/// A car's stint of `stints`, with its degradation fit.
struct StintLine: Sendable, Equatable {
    static let schema = APISchema.reference("Stint", .object([
        ("driver_number", .integer(minimum: 1, maximum: 99)), ("stint_number", .integer(minimum: 1)), ("compound", .nullable(.string)),
        ("lap_start", .integer(minimum: 0)), ("lap_end", .nullable(.integer(minimum: 0))), ("tyre_age_at_start", .integer(minimum: 0)),
        ("clean_laps", .integer(minimum: 0)), ("degradation", .nullable(.number)), ("fitted_base_lap", .nullable(.number)),
        ("fit_residual_error", .nullable(.number)),
    ]))

    var driverNumber: Int64
    var stintNumber: Int64
    var compound: String?
    var lapStart: Int64
    var lapEnd: Int64?
    var tyreAgeAtStart: Int64
    var cleanLaps: Int64
    var degradation: Double?
    var fittedBaseLap: Double?
    var fitResidualError: Double?

    func write(to json: inout JSONWriter) {
        json.beginObject()
        json.key("driver_number"); json.int(driverNumber)
        json.key("stint_number"); json.int(stintNumber)
        json.key("compound"); json.optional(compound)
        json.key("lap_start"); json.int(lapStart)
        json.key("lap_end"); json.optional(lapEnd)
        json.key("tyre_age_at_start"); json.int(tyreAgeAtStart)
        json.key("clean_laps"); json.int(cleanLaps)
        json.key("degradation"); json.optional(degradation)
        json.key("fitted_base_lap"); json.optional(fittedBaseLap)
        json.key("fit_residual_error"); json.optional(fitResidualError)
        json.endObject()
    }
}
