import Events

/// Reads Queue-Times' `/parks/{id}/queue_times.json`.
///
/// Quirks handled: closed rides report `wait_time: 0` (stored as no wait, status CLOSED); rides live under
/// `lands[].rides` and sometimes in a top-level `rides` array; ride ids are unique only within a park (the
/// park id comes from the caller); all rides of one response share `last_updated`, the event time.
public struct QueueTimesAdapter: Sendable {
    public static let format = "queue-times"
    public var parkID: String
    public var timeZone: String?

    public init(parkID: String, timeZone: String? = nil) {
        self.parkID = parkID
        self.timeZone = timeZone
    }

    public func read(_ json: JSONValue, ingestTime: Timestamp) throws(FeedFormatError) -> FeedBatch {
        guard case .object = json else { throw FeedFormatError(format: Self.format, reason: "expected a JSON object") }
        var rides: [JSONValue] = json["rides"]?.arrayValue ?? []
        for land in json["lands"]?.arrayValue ?? [] { rides.append(contentsOf: land["rides"]?.arrayValue ?? []) }
        guard json["lands"] != nil || json["rides"] != nil else {
            throw FeedFormatError(format: Self.format, reason: "neither 'lands' nor 'rides' present: not a queue_times.json payload")
        }
        var batch = FeedBatch()
        for ride in rides {
            guard let id = ride["id"].flatMap({ $0.int64Value.map(String.init) ?? $0.stringValue }) else {
                batch.skipped.append("ride without an id")
                continue
            }
            guard let updated = ride["last_updated"]?.stringValue, let time = Timestamp(iso8601: updated) else {
                batch.skipped.append("ride \(id): missing or invalid last_updated")
                continue
            }
            let open = ride["is_open"]?.boolValue ?? false
            let wait = open ? ride["wait_time"]?.int64Value.map { Int(min(max($0, 0), WaitTimeObserved.maxWaitMinutes)) } : nil
            let observation = WaitTimeObserved(
                parkID: parkID, attractionID: id, attractionName: ride["name"]?.stringValue, waitMinutes: wait,
                status: open ? .operating : .closed, timeZone: timeZone)
            batch.events.append(
                EventEnvelope(
                    observation, id: EventID.derived(Self.format, parkID, id, updated), source: Self.format,
                    eventTime: time, ingestTime: ingestTime))
        }
        return batch
    }

    /// The park id in a Queue-Times URL (`…/parks/16/queue_times.json`) or a file name like `park16_….json`.
    public static func parkID(fromLocation location: String) -> String? {
        func digits(after marker: String) -> String? {
            guard let r = location.range(of: marker, options: .backwards) else { return nil }
            let d = location[r.upperBound...].prefix { $0.isNumber }
            return d.isEmpty ? nil : String(d)
        }
        return digits(after: "/parks/") ?? digits(after: "park")
    }
}
