/// Derived: a car's pit stop, counted (topic `motorsport.race-events`). One per (driver, lap) however often
/// the feed re-sends the stop.
public struct PitStopCompleted: EventPayload {
    public static let eventType = "motorsport.pit_stop.completed"
    public static let schemaVersion = 1

    public var sessionID: String
    public var driverNumber: Int
    public var lapNumber: Int
    public var laneDuration: Double?
    public var stopDuration: Double?
    /// Stops of this driver so far, this one included.
    public var pitCount: Int

    public init(sessionID: String, driverNumber: Int, lapNumber: Int, laneDuration: Double?, stopDuration: Double?, pitCount: Int) {
        self.sessionID = sessionID
        self.driverNumber = driverNumber
        self.lapNumber = lapNumber
        self.laneDuration = laneDuration
        self.stopDuration = stopDuration
        self.pitCount = pitCount
    }

    public var partitionKey: String { sessionID }

    public init(payload r: FieldReader) throws(EventValidationError) {
        sessionID = try r.identifier("session_id")
        driverNumber = try r.int("driver_number", in: MotorsportLimits.driverNumber)
        lapNumber = try r.int("lap_number", in: MotorsportLimits.lapNumber)
        laneDuration = try r.optionalDouble("lane_duration")
        stopDuration = try r.optionalDouble("stop_duration")
        pitCount = try r.int("pit_count", in: MotorsportLimits.pitCount)
    }

    public func encode(to w: inout JSONWriter) {
        w.beginObject()
        w.key("session_id"); w.string(sessionID)
        w.key("driver_number"); w.int(driverNumber)
        w.key("lap_number"); w.int(lapNumber)
        w.key("lane_duration"); w.optional(laneDuration)
        w.key("stop_duration"); w.optional(stopDuration)
        w.key("pit_count"); w.int(pitCount)
        w.endObject()
    }
}
