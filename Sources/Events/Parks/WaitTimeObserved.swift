/// One observation of an attraction's posted wait (topic `parks.wait-times`, keyed by attraction).
public struct WaitTimeObserved: EventPayload {
    public static let eventType = "parks.wait_time.observed"
    public static let schemaVersion = 1
    /// Longest plausible posted wait; anything above is a feed error.
    public static let maxWaitMinutes: Int64 = 600

    public var parkID: String
    public var attractionID: String
    public var attractionName: String?
    /// Nil when the feed gives none (closed rides, missing queue), never a made-up zero.
    public var waitMinutes: Int?
    public var status: AttractionStatus
    /// The park's IANA time zone, when the feed knows it; baselines are kept in park-local hours.
    public var timeZone: String?

    public init(
        parkID: String, attractionID: String, attractionName: String? = nil, waitMinutes: Int?,
        status: AttractionStatus, timeZone: String? = nil
    ) {
        self.parkID = parkID
        self.attractionID = attractionID
        self.attractionName = attractionName
        self.waitMinutes = waitMinutes
        self.status = status
        self.timeZone = timeZone
    }

    /// Attraction ids are only unique within a park.
    public var partitionKey: String { "\(parkID)/\(attractionID)" }

    public init(payload r: FieldReader) throws(EventValidationError) {
        parkID = try r.identifier("park_id")
        // The partition key joins park and attraction with '/'; a park id must not contain it.
        guard !parkID.contains("/") else {
            throw EventValidationError(field: r.fieldPath("park_id"), reason: "must not contain '/'")
        }
        attractionID = try r.identifier("attraction_id")
        attractionName = try r.optionalString("attraction_name")
        status = try r.oneOf("status", AttractionStatus.self)
        if let w = try r.optionalInt("wait_minutes") {
            guard w >= 0, w <= Self.maxWaitMinutes else {
                throw EventValidationError(
                    field: r.fieldPath("wait_minutes"), reason: "\(w) is outside 0...\(Self.maxWaitMinutes)")
            }
            waitMinutes = Int(w)
        } else {
            waitMinutes = nil
        }
        timeZone = try r.optionalString("time_zone")
    }

    public func encode(to w: inout JSONWriter) {
        w.beginObject()
        w.key("park_id"); w.string(parkID)
        w.key("attraction_id"); w.string(attractionID)
        if let attractionName { w.key("attraction_name"); w.string(attractionName) }
        w.key("wait_minutes"); w.optional(waitMinutes)
        w.key("status"); w.string(status.rawValue)
        if let timeZone { w.key("time_zone"); w.string(timeZone) }
        w.endObject()
    }
}
