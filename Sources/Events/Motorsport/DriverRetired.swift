/// A car is out of the session (topic `motorsport.timing`, keyed by session): race control or the simulator
/// says so; a feed without it leaves the car running until the end.
public struct DriverRetired: EventPayload {
    public static let eventType = "motorsport.driver.retired"
    public static let schemaVersion = 1

    public var sessionID: String
    public var driverNumber: Int
    /// Laps completed when it stopped.
    public var lapNumber: Int?
    public var reason: String?

    public init(sessionID: String, driverNumber: Int, lapNumber: Int?, reason: String? = nil) {
        self.sessionID = sessionID
        self.driverNumber = driverNumber
        self.lapNumber = lapNumber
        self.reason = reason
    }

    public var partitionKey: String { sessionID }

    public init(payload r: FieldReader) throws(EventValidationError) {
        sessionID = try r.identifier("session_id")
        driverNumber = try r.int("driver_number", in: MotorsportLimits.driverNumber)
        lapNumber = try r.optionalInt("lap_number", in: 0...1_000)
        reason = try r.optionalString("reason")
    }

    public func encode(to w: inout JSONWriter) {
        w.beginObject()
        w.key("session_id"); w.string(sessionID)
        w.key("driver_number"); w.int(driverNumber)
        w.key("lap_number"); w.optional(lapNumber)
        if let reason { w.key("reason"); w.string(reason) }
        w.endObject()
    }
}
