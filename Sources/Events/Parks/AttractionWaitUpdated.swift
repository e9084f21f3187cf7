/// Derived: an attraction's current wait changed, re-keyed by park (topic `parks.attraction-updates`).
///
/// Raw observations are keyed by attraction, but a crowd level needs all of a park's attractions in one
/// place: this event is the repartition step. It carries the baseline P50 of the observation's hour of week
/// so the crowd fold needs no other state.
public struct AttractionWaitUpdated: EventPayload {
    public static let eventType = "parks.attraction_wait.updated"
    public static let schemaVersion = 1

    public var parkID: String
    public var attractionID: String
    public var waitMinutes: Int?
    public var status: AttractionStatus
    public var baselineP50: Int?
    public var observedAt: Timestamp

    public init(
        parkID: String, attractionID: String, waitMinutes: Int?, status: AttractionStatus, baselineP50: Int?,
        observedAt: Timestamp
    ) {
        self.parkID = parkID
        self.attractionID = attractionID
        self.waitMinutes = waitMinutes
        self.status = status
        self.baselineP50 = baselineP50
        self.observedAt = observedAt
    }

    public var partitionKey: String { parkID }

    public init(payload r: FieldReader) throws(EventValidationError) {
        parkID = try r.identifier("park_id")
        attractionID = try r.identifier("attraction_id")
        waitMinutes = try r.optionalInt("wait_minutes", in: 0...WaitTimeObserved.maxWaitMinutes)
        status = try r.oneOf("status", AttractionStatus.self)
        baselineP50 = try r.optionalInt("baseline_p50", in: 0...WaitTimeObserved.maxWaitMinutes)
        observedAt = try r.timestamp("observed_at")
    }

    public func encode(to w: inout JSONWriter) {
        w.beginObject()
        w.key(ascii: "park_id"); w.string(parkID)
        w.key(ascii: "attraction_id"); w.string(attractionID)
        w.key(ascii: "wait_minutes"); w.optional(waitMinutes)
        w.key(ascii: "status"); w.string(status.rawValue)
        w.key(ascii: "baseline_p50"); w.optional(baselineP50)
        w.key(ascii: "observed_at"); w.timestamp(observedAt)
        w.endObject()
    }
}
