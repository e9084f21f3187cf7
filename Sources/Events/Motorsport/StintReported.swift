/// A car's stint on one set of tyres (topic `motorsport.timing`, keyed by session). Feeds re-send a stint
/// as it grows (`lap_end` moves), so the latest report of a (driver, stint number) wins.
public struct StintReported: EventPayload {
    public static let eventType = "motorsport.stint.reported"
    public static let schemaVersion = 1

    public var sessionID: String
    public var driverNumber: Int
    public var stintNumber: Int
    public var compound: TyreCompound
    public var lapStart: Int
    /// Nil while the stint is running and the feed does not say.
    public var lapEnd: Int?
    /// Laps already on the tyres when the stint began (used sets).
    public var tyreAgeAtStart: Int

    public init(
        sessionID: String, driverNumber: Int, stintNumber: Int, compound: TyreCompound, lapStart: Int, lapEnd: Int?,
        tyreAgeAtStart: Int
    ) {
        self.sessionID = sessionID
        self.driverNumber = driverNumber
        self.stintNumber = stintNumber
        self.compound = compound
        self.lapStart = lapStart
        self.lapEnd = lapEnd
        self.tyreAgeAtStart = tyreAgeAtStart
    }

    public var partitionKey: String { sessionID }

    public init(payload r: FieldReader) throws(EventValidationError) {
        sessionID = try r.identifier("session_id")
        driverNumber = try r.int("driver_number", in: MotorsportLimits.driverNumber)
        stintNumber = try r.int("stint_number", in: 1...100)
        compound = try r.oneOf("compound", TyreCompound.self)
        lapStart = try r.int("lap_start", in: MotorsportLimits.lapNumber)
        lapEnd = try r.optionalInt("lap_end", in: MotorsportLimits.lapNumber)
        if let lapEnd, lapEnd < lapStart {
            throw EventValidationError(field: r.fieldPath("lap_end"), reason: "\(lapEnd) is before lap_start \(lapStart)")
        }
        tyreAgeAtStart = try r.optionalInt("tyre_age_at_start", in: MotorsportLimits.tyreAgeAtStart) ?? 0
    }

    public func encode(to w: inout JSONWriter) {
        w.beginObject()
        w.key("session_id"); w.string(sessionID)
        w.key("driver_number"); w.int(driverNumber)
        w.key("stint_number"); w.int(stintNumber)
        w.key("compound"); w.string(compound.rawValue)
        w.key("lap_start"); w.int(lapStart)
        w.key("lap_end"); w.optional(lapEnd)
        w.key("tyre_age_at_start"); w.int(tyreAgeAtStart)
        w.endObject()
    }
}
