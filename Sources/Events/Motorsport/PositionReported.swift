/// A car's running position as the timing system gives it (topic `motorsport.timing`, keyed by session).
public struct PositionReported: EventPayload {
    public static let eventType = "motorsport.position.reported"
    public static let schemaVersion = 1

    public var sessionID: String
    public var driverNumber: Int
    public var position: Int

    public init(sessionID: String, driverNumber: Int, position: Int) {
        self.sessionID = sessionID
        self.driverNumber = driverNumber
        self.position = position
    }

    public var partitionKey: String { sessionID }

    public init(payload r: FieldReader) throws(EventValidationError) {
        sessionID = try r.identifier("session_id")
        driverNumber = try r.int("driver_number", in: MotorsportLimits.driverNumber)
        position = try r.int("position", in: 1...99)
    }

    public func encode(to w: inout JSONWriter) {
        w.beginObject()
        w.key("session_id"); w.string(sessionID)
        w.key("driver_number"); w.int(driverNumber)
        w.key("position"); w.int(position)
        w.endObject()
    }
}
