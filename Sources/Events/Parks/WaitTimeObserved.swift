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
    public var partitionKey: String { Self.partitionKey(parkID: parkID, attractionID: attractionID) }

    public static func partitionKey(parkID: String, attractionID: String) -> String { parkID + "/" + attractionID }

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

    /// `init(payload:)` read straight from the bytes: the same fields, shapes and checks, first occurrence of
    /// a member winning; anything else (escapes, non-integer numbers, a failed check) gives nil, and the tree
    /// path then says what is wrong.
    public init?(payloadBytes: PayloadBytes) {
        var parkID: String?, attractionID: String?, status: AttractionStatus?
        var attractionName: String?, waitMinutes: Int?, timeZone: String?
        // Members seen so far, one bit each: later duplicates are ignored, as `FieldReader` ignores them.
        var seen: UInt8 = 0
        var scanner = FlatObjectScanner(payloadBytes.buffer)
        while let (name, value) = scanner.next() {
            let field: UInt8
            switch name.count {
            case 6 where FlatObjectScanner.name(name, is: "status"): field = 1
            case 7 where FlatObjectScanner.name(name, is: "park_id"): field = 2
            case 9 where FlatObjectScanner.name(name, is: "time_zone"): field = 4
            case 12 where FlatObjectScanner.name(name, is: "wait_minutes"): field = 8
            case 13 where FlatObjectScanner.name(name, is: "attraction_id"): field = 16
            case 15 where FlatObjectScanner.name(name, is: "attraction_name"): field = 32
            default: continue
            }
            guard seen & field == 0 else { continue }
            seen |= field
            switch (field, value) {
            case (_, .null): continue  // as if absent: required ones are missed below
            case (1, .string(let s)):
                guard let st = FlatObjectScanner.oneOf(s, AttractionStatus.self) else { return nil }
                status = st
            case (2, _): guard let id = FlatObjectScanner.identifier(value) else { return nil }; parkID = id
            case (16, _): guard let id = FlatObjectScanner.identifier(value) else { return nil }; attractionID = id
            case (4, .string(let s)): guard let t = FlatObjectScanner.text(s) else { return nil }; timeZone = t
            case (32, .string(let s)): guard let t = FlatObjectScanner.text(s) else { return nil }; attractionName = t
            case (8, .int(let w)):
                guard w >= 0, w <= Self.maxWaitMinutes else { return nil }
                waitMinutes = Int(w)
            default: return nil
            }
        }
        guard !scanner.failed, let parkID, let attractionID, let status, !FlatObjectScanner.contains(parkID, "/")
        else { return nil }
        self.init(
            parkID: parkID, attractionID: attractionID, attractionName: attractionName, waitMinutes: waitMinutes,
            status: status, timeZone: timeZone)
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
