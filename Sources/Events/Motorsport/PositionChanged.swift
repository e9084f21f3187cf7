/// Derived: a car gained places on the leaderboard (topic `motorsport.race-events`), naming the cars it
/// passed. Each pass is told once, by the car that made it.
public struct PositionChanged: EventPayload {
    public static let eventType = "motorsport.position.changed"
    public static let schemaVersion = 1

    public var sessionID: String
    public var driverNumber: Int
    public var from: Int
    public var to: Int
    /// Drivers that were ahead and are now behind.
    public var passed: [Int]
    /// The lap the car had completed when it happened.
    public var lapNumber: Int

    public init(sessionID: String, driverNumber: Int, from: Int, to: Int, passed: [Int], lapNumber: Int) {
        self.sessionID = sessionID
        self.driverNumber = driverNumber
        self.from = from
        self.to = to
        self.passed = passed
        self.lapNumber = lapNumber
    }

    public var partitionKey: String { sessionID }

    public init(payload r: FieldReader) throws(EventValidationError) {
        sessionID = try r.identifier("session_id")
        driverNumber = try r.int("driver_number", in: MotorsportLimits.driverNumber)
        from = try r.int("from", in: 1...99)
        to = try r.int("to", in: 1...99)
        guard let list = r.value("passed")?.arrayValue else {
            throw EventValidationError(field: r.fieldPath("passed"), reason: "expected an array of driver numbers")
        }
        var passed: [Int] = []
        for (i, v) in list.enumerated() {
            guard let n = v.int64Value, MotorsportLimits.driverNumber.contains(n) else {
                throw EventValidationError(field: r.fieldPath("passed[\(i)]"), reason: "expected a driver number")
            }
            passed.append(Int(n))
        }
        self.passed = passed
        lapNumber = try r.int("lap_number", in: 0...1_000)
    }

    public func encode(to w: inout JSONWriter) {
        w.beginObject()
        w.key("session_id"); w.string(sessionID)
        w.key("driver_number"); w.int(driverNumber)
        w.key("from"); w.int(from)
        w.key("to"); w.int(to)
        w.key("passed"); w.beginArray(); for d in passed { w.int(d) }; w.endArray()
        w.key("lap_number"); w.int(lapNumber)
        w.endObject()
    }
}
