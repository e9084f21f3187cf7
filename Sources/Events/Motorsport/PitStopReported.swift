/// A car went through the pit lane (topic `motorsport.timing`, keyed by session). Event time: pit entry.
///
/// Feeds differ: older ones give only the pit-lane time, newer ones also the stationary time; both may be
/// missing (a car retiring in the pits).
public struct PitStopReported: EventPayload {
    public static let eventType = "motorsport.pit.reported"
    public static let schemaVersion = 1

    public var sessionID: String
    public var driverNumber: Int
    public var lapNumber: Int
    /// Seconds from pit entry to pit exit.
    public var laneDuration: Double?
    /// Seconds stationary in the box.
    public var stopDuration: Double?

    public init(sessionID: String, driverNumber: Int, lapNumber: Int, laneDuration: Double?, stopDuration: Double? = nil) {
        self.sessionID = sessionID
        self.driverNumber = driverNumber
        self.lapNumber = lapNumber
        self.laneDuration = laneDuration
        self.stopDuration = stopDuration
    }

    public var partitionKey: String { sessionID }

    public init(payload r: FieldReader) throws(EventValidationError) {
        sessionID = try r.identifier("session_id")
        driverNumber = try r.int("driver_number", in: MotorsportLimits.driverNumber)
        lapNumber = try r.int("lap_number", in: MotorsportLimits.lapNumber)
        laneDuration = try r.optionalDouble("lane_duration", in: MotorsportLimits.duration)
        stopDuration = try r.optionalDouble("stop_duration", in: MotorsportLimits.duration)
    }

    public func encode(to w: inout JSONWriter) {
        w.beginObject()
        w.key("session_id"); w.string(sessionID)
        w.key("driver_number"); w.int(driverNumber)
        w.key("lap_number"); w.int(lapNumber)
        w.key("lane_duration"); w.optional(laneDuration)
        w.key("stop_duration"); w.optional(stopDuration)
        w.endObject()
    }
}
