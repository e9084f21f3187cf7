import APIDescription
import Events

/// One lap of `lap_times`; `driverNumber` is written only where the answer mixes cars (fastest laps).
struct LapLine: Sendable, Equatable {
    static let schema = APISchema.reference("Lap", .object([
        ("lap_number", .integer(minimum: 0)), ("time", .dateTime), ("lap_duration", .nullable(.number(minimum: 0))),
        ("sector_1", .nullable(.number(minimum: 0))), ("sector_2", .nullable(.number(minimum: 0))), ("sector_3", .nullable(.number(minimum: 0))),
        ("is_pit_out_lap", .boolean), ("i1_speed", .nullable(.integer)), ("i2_speed", .nullable(.integer)), ("st_speed", .nullable(.integer)),
        ("compound", .nullable(.string)), ("tyre_age", .nullable(.integer(minimum: 0))),
    ]))
    /// `writeFastest(to:)`'s JSON.
    static let fastestSchema = APISchema.reference("FastestLap", .object([
        ("driver_number", .integer(minimum: 1, maximum: 99)), ("lap_number", .integer(minimum: 0)), ("lap_duration", .nullable(.number(minimum: 0))),
        ("time", .dateTime), ("compound", .nullable(.string)),
    ]))

    var driverNumber: Int64
    var lapNumber: Int64
    var time: Timestamp
    var lapDuration: Double?
    var sectors: [Double?]
    var isPitOutLap: Bool
    var speeds: [Int64?]  // i1, i2, speed trap
    var compound: String?
    var tyreAge: Int64?

    func write(to json: inout JSONWriter) {
        json.beginObject()
        json.key("lap_number"); json.int(lapNumber)
        json.key("time"); json.timestamp(time)
        json.key("lap_duration"); json.optional(lapDuration)
        for (i, s) in sectors.enumerated() { json.key("sector_\(i + 1)"); json.optional(s) }
        json.key("is_pit_out_lap"); json.bool(isPitOutLap)
        for (name, v) in zip(["i1_speed", "i2_speed", "st_speed"], speeds) { json.key(name); json.optional(v) }
        json.key("compound"); json.optional(compound)
        json.key("tyre_age"); json.optional(tyreAge)
        json.endObject()
    }

    /// The shorter form of the fastest-laps answer.
    func writeFastest(to json: inout JSONWriter) {
        json.beginObject()
        json.key("driver_number"); json.int(driverNumber)
        json.key("lap_number"); json.int(lapNumber)
        json.key("lap_duration"); json.optional(lapDuration)
        json.key("time"); json.timestamp(time)
        json.key("compound"); json.optional(compound)
        json.endObject()
    }
}
