/// Who drives a car in a session (topic `motorsport.timing`, keyed by session): OpenF1's `drivers` endpoint,
/// or the simulator. Names are as the feed gives them; a session without it shows car numbers.
public struct DriverIdentified: EventPayload {
    public static let eventType = "motorsport.driver.identified"
    public static let schemaVersion = 1

    public var sessionID: String
    public var driverNumber: Int
    /// Three letters, as on timing screens: `VER`, `LEC`.
    public var nameAcronym: String
    /// As broadcast: `M VERSTAPPEN`.
    public var broadcastName: String?
    public var fullName: String?
    public var teamName: String?
    /// The team's colour, six hex digits without `#` (as OpenF1 sends it), upper case.
    public var teamColour: String?

    /// The longest acronym accepted (feeds use three letters; a few more leave room for stand-ins).
    public static let maxAcronymLength = 8

    public init(
        sessionID: String, driverNumber: Int, nameAcronym: String, broadcastName: String? = nil, fullName: String? = nil,
        teamName: String? = nil, teamColour: String? = nil
    ) {
        self.sessionID = sessionID
        self.driverNumber = driverNumber
        self.nameAcronym = nameAcronym
        self.broadcastName = broadcastName
        self.fullName = fullName
        self.teamName = teamName
        self.teamColour = teamColour
    }

    public var partitionKey: String { sessionID }

    public init(payload r: FieldReader) throws(EventValidationError) {
        sessionID = try r.identifier("session_id")
        driverNumber = try r.int("driver_number", in: MotorsportLimits.driverNumber)
        nameAcronym = try r.string("name_acronym", maxBytes: Self.maxAcronymLength)
        guard !nameAcronym.isEmpty, nameAcronym.unicodeScalars.allSatisfy({ $0.properties.isAlphabetic }) else {
            throw EventValidationError(field: r.fieldPath("name_acronym"), reason: "'\(nameAcronym)' is not letters, as VER or LEC")
        }
        broadcastName = try r.optionalString("broadcast_name", maxBytes: 100)
        fullName = try r.optionalString("full_name", maxBytes: 100)
        teamName = try r.optionalString("team_name", maxBytes: 100)
        teamColour = try r.optionalString("team_colour", maxBytes: 6)
        if let c = teamColour {
            guard c.utf8.count == 6, c.utf8.allSatisfy({ (48...57).contains($0) || (65...70).contains($0) }) else {
                throw EventValidationError(field: r.fieldPath("team_colour"), reason: "'\(c)' is not six upper-case hex digits")
            }
        }
    }

    public func encode(to w: inout JSONWriter) {
        w.beginObject()
        w.key("session_id"); w.string(sessionID)
        w.key("driver_number"); w.int(driverNumber)
        w.key("name_acronym"); w.string(nameAcronym)
        if let broadcastName { w.key("broadcast_name"); w.string(broadcastName) }
        if let fullName { w.key("full_name"); w.string(fullName) }
        if let teamName { w.key("team_name"); w.string(teamName) }
        if let teamColour { w.key("team_colour"); w.string(teamColour) }
        w.endObject()
    }
}
