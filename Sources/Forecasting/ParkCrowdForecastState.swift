import Events

/// What the crowd-forecast fold keeps per park (`crowd_forecast_current`): each attraction's newest outlook and
/// the forecast last published (its levels decide whether the next one is news), as JSON; and the park's newest
/// forecast, the one served (empty hours once the day is over).
public struct ParkCrowdForecastState: Sendable, Equatable {
    public var parkID: String
    public var outlooks: [String: AttractionOutlookUpdated] = [:]
    public var published: CrowdForecastUpdated?
    public var current: CrowdForecastUpdated?

    public init(parkID: String) { self.parkID = parkID }
}

/// The fold's memory as its `state` column stores it: the outlooks and the published forecast as their events'
/// JSON (the newest forecast has a column of its own).
extension ParkCrowdForecastState {
    public func encode(to w: inout JSONWriter) {
        w.beginObject()
        w.key("outlooks"); w.beginArray()
        for (_, o) in outlooks.sorted(by: { $0.key < $1.key }) { o.encode(to: &w) }
        w.endArray()
        w.key("published")
        if let published { published.encode(to: &w) } else { w.null() }
        w.endObject()
    }

    public init(parkID: String, json: JSONValue) throws(EventValidationError) {
        self.init(parkID: parkID)
        let r = try FieldReader(json, path: "crowd_forecast_state")
        guard case .array(let items)? = r.value("outlooks") else {
            throw EventValidationError(field: r.fieldPath("outlooks"), reason: "is required: an array of outlooks")
        }
        for (i, item) in items.enumerated() {
            let o = try AttractionOutlookUpdated(payload: try FieldReader(item, path: r.fieldPath("outlooks[\(i)]")))
            outlooks[o.attractionID] = o
        }
        if let p = r.value("published"), p != .null {
            published = try CrowdForecastUpdated(payload: try FieldReader(p, path: r.fieldPath("published")))
        }
    }
}
