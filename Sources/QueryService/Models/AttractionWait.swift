import Events

/// One attraction's current state, a row of `attraction_current`.
struct AttractionWait: Sendable, Equatable {
    var attractionID: String
    var name: String?
    var status: String?
    var waitMinutes: Int64?
    var observedAt: Timestamp?
    var statusChangedAt: Timestamp?

    func write(to json: inout JSONWriter) {
        json.beginObject()
        json.key("attraction_id")
        json.string(attractionID)
        json.key("name")
        json.optional(name)
        json.key("status")
        json.optional(status)
        json.key("wait_minutes")
        json.optional(waitMinutes)
        json.key("observed_at")
        json.optional(observedAt)
        json.key("status_changed_at")
        json.optional(statusChangedAt)
        json.endObject()
    }
}
