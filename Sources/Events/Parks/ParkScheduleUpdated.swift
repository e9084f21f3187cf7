/// A park's opening hours for one local date (topic `parks.schedules`, keyed by park).
public struct ParkScheduleUpdated: EventPayload, MemberEncodable {
    public static let eventType = "parks.schedule.updated"
    public static let schemaVersion = 1

    public var parkID: String
    /// Local calendar date, `YYYY-MM-DD`.
    public var date: String
    public var opensAt: Timestamp
    public var closesAt: Timestamp
    public var timeZone: String?

    public init(parkID: String, date: String, opensAt: Timestamp, closesAt: Timestamp, timeZone: String? = nil) {
        self.parkID = parkID
        self.date = date
        self.opensAt = opensAt
        self.closesAt = closesAt
        self.timeZone = timeZone
    }

    public var partitionKey: String { parkID }

    public init(payload r: FieldReader) throws(EventValidationError) {
        parkID = try r.identifier("park_id")
        date = try r.string("date", maxBytes: 10)
        guard date.utf8.count == 10, let day = Timestamp(iso8601: date) else {
            throw EventValidationError(field: r.fieldPath("date"), reason: "'\(date)' is not a YYYY-MM-DD calendar date")
        }
        try FieldReader.accepted(day, field: r.fieldPath("date"))
        opensAt = try r.timestamp("opens_at")
        closesAt = try r.timestamp("closes_at")
        guard closesAt > opensAt else {
            throw EventValidationError(field: r.fieldPath("closes_at"), reason: "must be after opens_at")
        }
        timeZone = try r.optionalString("time_zone")
    }

    public func encodeMembers(to w: inout JSONWriter) {
        w.key("park_id"); w.string(parkID)
        w.key("date"); w.string(date)
        w.key("opens_at"); w.timestamp(opensAt)
        w.key("closes_at"); w.timestamp(closesAt)
        if let timeZone { w.key("time_zone"); w.string(timeZone) }
    }
}
