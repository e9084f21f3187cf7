/// Derived: what a forecast of one attraction needs to know about its park, sent to the attraction itself
/// (topic `parks.attraction-context`, keyed by park/attraction, co-partitioned with `parks.wait-times`): a
/// schedule of the park, or a weather report with when it was fetched. The park-keyed feeds are re-keyed this
/// way so that a fold keyed by attraction reads them in its own partition's order, from the log.
public struct AttractionContextUpdated: EventPayload {
    public static let eventType = "parks.attraction_context.updated"
    public static let schemaVersion = 1

    public enum Context: Sendable, Equatable {
        case schedule(ParkScheduleUpdated)
        case weather(ParkWeatherHour, reportedAt: Timestamp)
    }

    public var attractionID: String
    public var context: Context

    public init(attractionID: String, context: Context) {
        self.attractionID = attractionID
        self.context = context
    }

    public var parkID: String {
        switch context {
        case .schedule(let s): s.parkID
        case .weather(let w, _): w.parkID
        }
    }

    public var partitionKey: String { WaitTimeObserved.partitionKey(parkID: parkID, attractionID: attractionID) }

    public init(payload r: FieldReader) throws(EventValidationError) {
        attractionID = try r.identifier("attraction_id")
        switch try r.string("kind") {
        case "schedule":
            context = .schedule(try ParkScheduleUpdated(payload: r))
        case "weather":
            context = .weather(try ParkWeatherHour(payload: r), reportedAt: try r.timestamp("reported_at"))
        case let other:
            throw EventValidationError(field: r.fieldPath("kind"), reason: "'\(other.prefix(32))' is not schedule or weather")
        }
    }

    public func encode(to w: inout JSONWriter) {
        w.beginObject()
        w.key("attraction_id"); w.string(attractionID)
        switch context {
        case .schedule(let s):
            w.key("kind"); w.string("schedule")
            s.encodeMembers(to: &w)
        case .weather(let report, let reportedAt):
            w.key("kind"); w.string("weather")
            w.key("reported_at"); w.timestamp(reportedAt)
            report.encodeMembers(to: &w)
        }
        w.endObject()
    }
}
