/// Derived: a driver's predicted next lap time from the current stint's degradation fit (topic
/// `motorsport.race-events`). One per completed lap once the stint has three clean laps.
public struct PacePredicted: EventPayload {
    public static let eventType = "motorsport.pace.predicted"
    public static let schemaVersion = 1

    public var sessionID: String
    public var driverNumber: Int
    /// The lap being predicted.
    public var lapNumber: Int
    public var predictedLapDuration: Double
    /// One standard error of the prediction (seconds).
    public var uncertainty: Double
    public var compound: TyreCompound?
    /// Tyre age at the end of the predicted lap.
    public var tyreAge: Int
    /// Seconds per lap of tyre age in this stint.
    public var degradation: Double
    public var cleanLaps: Int

    public init(
        sessionID: String, driverNumber: Int, lapNumber: Int, predictedLapDuration: Double, uncertainty: Double,
        compound: TyreCompound?, tyreAge: Int, degradation: Double, cleanLaps: Int
    ) {
        self.sessionID = sessionID
        self.driverNumber = driverNumber
        self.lapNumber = lapNumber
        self.predictedLapDuration = predictedLapDuration
        self.uncertainty = uncertainty
        self.compound = compound
        self.tyreAge = tyreAge
        self.degradation = degradation
        self.cleanLaps = cleanLaps
    }

    public var partitionKey: String { sessionID }

    public init(payload r: FieldReader) throws(EventValidationError) {
        sessionID = try r.identifier("session_id")
        driverNumber = try r.int("driver_number", in: MotorsportLimits.driverNumber)
        lapNumber = try r.int("lap_number", in: MotorsportLimits.predictedLap)
        predictedLapDuration = try r.double("predicted_lap_duration")
        uncertainty = try r.double("uncertainty")
        compound = try r.optionalString("compound").flatMap(TyreCompound.init(rawValue:))
        tyreAge = try r.int("tyre_age", in: MotorsportLimits.tyreAge)
        degradation = try r.double("degradation")
        cleanLaps = try r.int("clean_laps", in: 3...1_000)
    }

    public func encode(to w: inout JSONWriter) {
        w.beginObject()
        w.key("session_id"); w.string(sessionID)
        w.key("driver_number"); w.int(driverNumber)
        w.key("lap_number"); w.int(lapNumber)
        w.key("predicted_lap_duration"); w.double(predictedLapDuration)
        w.key("uncertainty"); w.double(uncertainty)
        w.key("compound"); w.optional(compound?.rawValue)
        w.key("tyre_age"); w.int(tyreAge)
        w.key("degradation"); w.double(degradation)
        w.key("clean_laps"); w.int(cleanLaps)
        w.endObject()
    }
}
