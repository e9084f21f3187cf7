import APIDescription
import Events

/// Wait statistics of one attraction over one time bucket.
struct WaitBucket: Sendable, Equatable {
    static let schema = APISchema.reference("WaitBucket", .object([
        ("time", .dateTime), ("avg_wait_minutes", .nullable(.number(minimum: 0))), ("min_wait_minutes", .nullable(.integer(minimum: 0))),
        ("max_wait_minutes", .nullable(.integer(minimum: 0))), ("observations", .integer(minimum: 0)), ("open_observations", .integer(minimum: 0)),
    ]))

    var time: Timestamp
    /// Over the waits of open observations; nil when the bucket has none.
    var avgWaitMinutes: Double?
    var minWaitMinutes: Int64?
    var maxWaitMinutes: Int64?
    /// Every observation, whatever the status.
    var observations: Int64
    var openObservations: Int64

    func write(to json: inout JSONWriter) {
        json.beginObject()
        json.key("time")
        json.timestamp(time)
        json.key("avg_wait_minutes")
        json.optional(avgWaitMinutes)
        json.key("min_wait_minutes")
        json.optional(minWaitMinutes)
        json.key("max_wait_minutes")
        json.optional(maxWaitMinutes)
        json.key("observations")
        json.int(observations)
        json.key("open_observations")
        json.int(openObservations)
        json.endObject()
    }
}
