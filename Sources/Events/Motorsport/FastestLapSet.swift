/// Derived: the session's fastest lap changed hands or got faster (topic `motorsport.race-events`).
public struct FastestLapSet: EventPayload {
    public static let eventType = "motorsport.fastest_lap.set"
    public static let schemaVersion = 1

    public var sessionID: String
    public var driverNumber: Int
    public var lapNumber: Int
    public var lapDuration: Double
    /// The lap it beat; nil for the session's first timed lap.
    public var previousDriverNumber: Int?
    public var previousLapDuration: Double?

    public init(sessionID: String, driverNumber: Int, lapNumber: Int, lapDuration: Double, previousDriverNumber: Int?, previousLapDuration: Double?) {
        self.sessionID = sessionID
        self.driverNumber = driverNumber
        self.lapNumber = lapNumber
        self.lapDuration = lapDuration
        self.previousDriverNumber = previousDriverNumber
        self.previousLapDuration = previousLapDuration
    }

    public var partitionKey: String { sessionID }

    public init(payload r: FieldReader) throws(EventValidationError) {
        sessionID = try r.identifier("session_id")
        driverNumber = try r.int("driver_number", in: MotorsportLimits.driverNumber)
        lapNumber = try r.int("lap_number", in: MotorsportLimits.lapNumber)
        lapDuration = try r.double("lap_duration")
        previousDriverNumber = try r.optionalInt("previous_driver_number", in: MotorsportLimits.driverNumber)
        previousLapDuration = try r.optionalDouble("previous_lap_duration")
    }

    public func encode(to w: inout JSONWriter) {
        w.beginObject()
        w.key("session_id"); w.string(sessionID)
        w.key("driver_number"); w.int(driverNumber)
        w.key("lap_number"); w.int(lapNumber)
        w.key("lap_duration"); w.double(lapDuration)
        w.key("previous_driver_number"); w.optional(previousDriverNumber)
        w.key("previous_lap_duration"); w.optional(previousLapDuration)
        w.endObject()
    }
}
