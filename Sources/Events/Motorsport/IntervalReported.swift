/// Gaps as the timing system gives them (topic `motorsport.timing`, keyed by session).
///
/// A car a lap or more down has no gap in seconds: feeds say "+1 LAP", kept here as `lapsBehindLeader`.
/// Before the start feeds send empty gaps: every field is then nil.
public struct IntervalReported: EventPayload {
    public static let eventType = "motorsport.interval.reported"
    public static let schemaVersion = 1

    public var sessionID: String
    public var driverNumber: Int
    /// Seconds to the leader; nil for the leader itself, when lapped, or unknown.
    public var gapToLeader: Double?
    /// Seconds to the car ahead.
    public var interval: Double?
    public var lapsBehindLeader: Int?

    public init(sessionID: String, driverNumber: Int, gapToLeader: Double?, interval: Double?, lapsBehindLeader: Int? = nil) {
        self.sessionID = sessionID
        self.driverNumber = driverNumber
        self.gapToLeader = gapToLeader
        self.interval = interval
        self.lapsBehindLeader = lapsBehindLeader
    }

    public var partitionKey: String { sessionID }

    public init(payload r: FieldReader) throws(EventValidationError) {
        sessionID = try r.identifier("session_id")
        driverNumber = try r.int("driver_number", in: MotorsportLimits.driverNumber)
        gapToLeader = try r.optionalDouble("gap_to_leader", in: 0...36_000)
        interval = try r.optionalDouble("interval", in: 0...36_000)
        lapsBehindLeader = try r.optionalInt("laps_behind_leader", in: 0...1_000)
    }

    public func encode(to w: inout JSONWriter) {
        w.beginObject()
        w.key("session_id"); w.string(sessionID)
        w.key("driver_number"); w.int(driverNumber)
        w.key("gap_to_leader"); w.optional(gapToLeader)
        w.key("interval"); w.optional(interval)
        w.key("laps_behind_leader"); w.optional(lapsBehindLeader)
        w.endObject()
    }
}
