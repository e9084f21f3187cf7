/// One telemetry sample of a car (topic `motorsport.car-data`, keyed by session/driver; several per second).
public struct CarSample: EventPayload {
    public static let eventType = "motorsport.car.sample"
    public static let schemaVersion = 1

    public var sessionID: String
    public var driverNumber: Int
    /// km/h.
    public var speed: Int
    /// Percent; real feeds report a little over 100 at full throttle.
    public var throttle: Int
    /// Percent (feeds often give only 0 or 100).
    public var brake: Int
    /// 0 = neutral.
    public var gear: Int
    public var rpm: Int
    /// The feed's DRS code (0–14; 10, 12 and 14 mean open).
    public var drs: Int

    public init(sessionID: String, driverNumber: Int, speed: Int, throttle: Int, brake: Int, gear: Int, rpm: Int, drs: Int) {
        self.sessionID = sessionID
        self.driverNumber = driverNumber
        self.speed = speed
        self.throttle = throttle
        self.brake = brake
        self.gear = gear
        self.rpm = rpm
        self.drs = drs
    }

    public var isDRSOpen: Bool { drs >= 10 }

    public var partitionKey: String { "\(sessionID)/\(driverNumber)" }

    public init(payload r: FieldReader) throws(EventValidationError) {
        sessionID = try r.identifier("session_id")
        driverNumber = try r.int("driver_number", in: MotorsportLimits.driverNumber)
        speed = try r.int("speed", in: MotorsportLimits.speed)
        throttle = try r.int("throttle", in: 0...110)
        brake = try r.int("brake", in: 0...100)
        gear = try r.int("gear", in: 0...9)
        rpm = try r.int("rpm", in: 0...25_000)
        drs = try r.optionalInt("drs", in: 0...15) ?? 0
    }

    public func encode(to w: inout JSONWriter) {
        w.beginObject()
        w.key("session_id"); w.string(sessionID)
        w.key("driver_number"); w.int(driverNumber)
        w.key("speed"); w.int(speed)
        w.key("throttle"); w.int(throttle)
        w.key("brake"); w.int(brake)
        w.key("gear"); w.int(gear)
        w.key("rpm"); w.int(rpm)
        w.key("drs"); w.int(drs)
        w.endObject()
    }
}
