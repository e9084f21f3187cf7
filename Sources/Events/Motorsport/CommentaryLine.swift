/// Derived: one line of race commentary (topic `motorsport.commentary`, keyed by session): templated English
/// from the timing, deterministic (the same log gives the same lines, with the same ids).
public struct CommentaryLine: EventPayload {
    public static let eventType = "motorsport.commentary.line"
    public static let schemaVersion = 1

    /// What the line is about.
    public enum Kind: String, Sendable, CaseIterable {
        case fastestLap = "fastest_lap"
        case leadChange = "lead_change"
        case retirement
        case pitStop = "pit_stop"
        case tyres
        case positionChange = "position_change"
        case personalBest = "personal_best"

        /// How much a line of this kind matters: low-priority kinds are capped per lap.
        public var priority: Priority {
            switch self {
            case .fastestLap, .leadChange, .retirement: .high
            case .pitStop, .tyres: .medium
            case .positionChange, .personalBest: .low
            }
        }
    }

    public enum Priority: String, Sendable, CaseIterable {
        case high, medium, low
    }

    public var sessionID: String
    /// The lap the line is about (the car's lap).
    public var lapNumber: Int
    public var driverNumber: Int
    public var kind: Kind
    public var text: String

    public var priority: Priority { kind.priority }

    public init(sessionID: String, lapNumber: Int, driverNumber: Int, kind: Kind, text: String) {
        self.sessionID = sessionID
        self.lapNumber = lapNumber
        self.driverNumber = driverNumber
        self.kind = kind
        self.text = text
    }

    public var partitionKey: String { sessionID }

    public init(payload r: FieldReader) throws(EventValidationError) {
        sessionID = try r.identifier("session_id")
        lapNumber = try r.int("lap_number", in: 0...MotorsportLimits.lapNumber.upperBound)
        driverNumber = try r.int("driver_number", in: MotorsportLimits.driverNumber)
        let kindText = try r.string("kind", maxBytes: 32)
        guard let kind = Kind(rawValue: kindText) else {
            throw EventValidationError(
                field: r.fieldPath("kind"), reason: "'\(kindText)' is not one of \(Kind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self.kind = kind
        text = try r.string("text")
    }

    public func encode(to w: inout JSONWriter) {
        w.beginObject()
        w.key("session_id"); w.string(sessionID)
        w.key("lap_number"); w.int(lapNumber)
        w.key("driver_number"); w.int(driverNumber)
        w.key("kind"); w.string(kind.rawValue)
        w.key("priority"); w.string(priority.rawValue)
        w.key("text"); w.string(text)
        w.endObject()
    }
}
