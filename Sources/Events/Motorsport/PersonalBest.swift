/// Derived: a driver beat their own best lap of the session (topic `motorsport.race-events`).
public struct PersonalBest: EventPayload {
    public static let eventType = "motorsport.personal_best.set"
    public static let schemaVersion = 1

    public var sessionID: String
    public var driverNumber: Int
    public var lapNumber: Int
    public var lapDuration: Double
    /// Nil on the driver's first timed lap.
    public var previousLapDuration: Double?

    public init(sessionID: String, driverNumber: Int, lapNumber: Int, lapDuration: Double, previousLapDuration: Double?) {
        self.sessionID = sessionID
        self.driverNumber = driverNumber
        self.lapNumber = lapNumber
        self.lapDuration = lapDuration
        self.previousLapDuration = previousLapDuration
    }

    public var partitionKey: String { sessionID }

    public init(payload r: FieldReader) throws(EventValidationError) {
        sessionID = try r.identifier("session_id")
        driverNumber = try r.int("driver_number", in: MotorsportLimits.driverNumber)
        lapNumber = try r.int("lap_number", in: MotorsportLimits.lapNumber)
        lapDuration = try r.double("lap_duration")
        previousLapDuration = try r.optionalDouble("previous_lap_duration")
    }

    public func encode(to w: inout JSONWriter) {
        w.beginObject()
        w.key("session_id"); w.string(sessionID)
        w.key("driver_number"); w.int(driverNumber)
        w.key("lap_number"); w.int(lapNumber)
        w.key("lap_duration"); w.double(lapDuration)
        w.key("previous_lap_duration"); w.optional(previousLapDuration)
        w.endObject()
    }
}
