/// A car completed a lap (topic `motorsport.timing`, keyed by session).
///
/// Every duration is optional: timing feeds leave out what they did not measure (the first lap, laps with
/// a red flag, broken loops), and a missing value is never a zero.
public struct LapCompleted: EventPayload {
    public static let eventType = "motorsport.lap.completed"
    public static let schemaVersion = 1

    public var sessionID: String
    public var driverNumber: Int
    public var lapNumber: Int
    /// Seconds.
    public var lapDuration: Double?
    public var sector1: Double?
    public var sector2: Double?
    public var sector3: Double?
    public var isPitOutLap: Bool
    /// km/h at the intermediate points and the speed trap.
    public var intermediate1Speed: Int?
    public var intermediate2Speed: Int?
    public var speedTrap: Int?
    public var startedAt: Timestamp?

    public init(
        sessionID: String, driverNumber: Int, lapNumber: Int, lapDuration: Double?, sector1: Double? = nil,
        sector2: Double? = nil, sector3: Double? = nil, isPitOutLap: Bool = false, intermediate1Speed: Int? = nil,
        intermediate2Speed: Int? = nil, speedTrap: Int? = nil, startedAt: Timestamp? = nil
    ) {
        self.sessionID = sessionID
        self.driverNumber = driverNumber
        self.lapNumber = lapNumber
        self.lapDuration = lapDuration
        self.sector1 = sector1
        self.sector2 = sector2
        self.sector3 = sector3
        self.isPitOutLap = isPitOutLap
        self.intermediate1Speed = intermediate1Speed
        self.intermediate2Speed = intermediate2Speed
        self.speedTrap = speedTrap
        self.startedAt = startedAt
    }

    public var partitionKey: String { sessionID }

    public init(payload r: FieldReader) throws(EventValidationError) {
        sessionID = try r.identifier("session_id")
        driverNumber = try r.int("driver_number", in: MotorsportLimits.driverNumber)
        lapNumber = try r.int("lap_number", in: MotorsportLimits.lapNumber)
        lapDuration = try r.optionalDouble("lap_duration", in: MotorsportLimits.duration)
        sector1 = try r.optionalDouble("sector_1", in: MotorsportLimits.duration)
        sector2 = try r.optionalDouble("sector_2", in: MotorsportLimits.duration)
        sector3 = try r.optionalDouble("sector_3", in: MotorsportLimits.duration)
        isPitOutLap = try r.optionalBool("is_pit_out_lap") ?? false
        intermediate1Speed = try r.optionalInt("i1_speed", in: MotorsportLimits.speed)
        intermediate2Speed = try r.optionalInt("i2_speed", in: MotorsportLimits.speed)
        speedTrap = try r.optionalInt("st_speed", in: MotorsportLimits.speed)
        startedAt = try r.optionalTimestamp("started_at")
    }

    public func encode(to w: inout JSONWriter) {
        w.beginObject()
        w.key("session_id"); w.string(sessionID)
        w.key("driver_number"); w.int(driverNumber)
        w.key("lap_number"); w.int(lapNumber)
        w.key("lap_duration"); w.optional(lapDuration)
        w.key("sector_1"); w.optional(sector1)
        w.key("sector_2"); w.optional(sector2)
        w.key("sector_3"); w.optional(sector3)
        w.key("is_pit_out_lap"); w.bool(isPitOutLap)
        w.key("i1_speed"); w.optional(intermediate1Speed)
        w.key("i2_speed"); w.optional(intermediate2Speed)
        w.key("st_speed"); w.optional(speedTrap)
        w.key("started_at"); w.optional(startedAt)
        w.endObject()
    }
}
