/// Derived (topic `parks.crowd-forecasts`, keyed by park): a park's crowd level forecast for the rest of its day,
/// hour by hour, from its attractions' predicted waits (`AttractionOutlookUpdated`). Emitted when an hour's
/// level changes, or hours come or go; the ratios in between move without an event (they are in the table).
public struct CrowdForecastUpdated: EventPayload {
    public static let eventType = "parks.crowd_forecast.updated"
    public static let schemaVersion = 1

    public struct Hour: Sendable, Equatable {
        public var start: Timestamp
        public var level: CrowdLevel
        /// Predicted mean wait over usual mean wait for the hour (as `CrowdLevelChanged.ratio`).
        public var ratio: Double
        public var meanPredictedMinutes: Double
        /// Attractions whose predictions cover the hour.
        public var attractions: Int

        public init(start: Timestamp, level: CrowdLevel, ratio: Double, meanPredictedMinutes: Double, attractions: Int) {
            self.start = start
            self.level = level
            self.ratio = ratio
            self.meanPredictedMinutes = meanPredictedMinutes
            self.attractions = attractions
        }
    }

    public var parkID: String
    /// The newest prediction behind it.
    public var madeAt: Timestamp
    public var hours: [Hour]

    public init(parkID: String, madeAt: Timestamp, hours: [Hour]) {
        self.parkID = parkID
        self.madeAt = madeAt
        self.hours = hours
    }

    public var partitionKey: String { parkID }

    public init(payload r: FieldReader) throws(EventValidationError) {
        parkID = try r.identifier("park_id")
        madeAt = try r.timestamp("made_at")
        hours = try r.objects("hours", max: AttractionOutlookUpdated.maxHours, shape: "{start, level, ratio, …}") { h throws(EventValidationError) in
            Hour(
                start: try h.timestamp("start"), level: try h.oneOf("level", CrowdLevel.self),
                ratio: try h.double("ratio", in: 0...Double.greatestFiniteMagnitude),
                meanPredictedMinutes: try h.double("mean_predicted_minutes", in: WaitTimePredicted.minutes),
                attractions: try h.int("attractions", in: 0...100_000))
        }
    }

    public func encode(to w: inout JSONWriter) {
        w.beginObject()
        w.key("park_id"); w.string(parkID)
        w.key("made_at"); w.timestamp(madeAt)
        w.key("hours")
        w.beginArray()
        for h in hours {
            w.beginObject()
            w.key("start"); w.timestamp(h.start)
            w.key("level"); w.string(h.level.rawValue)
            w.key("ratio"); w.double(h.ratio)
            w.key("mean_predicted_minutes"); w.double(h.meanPredictedMinutes)
            w.key("attractions"); w.int(h.attractions)
            w.endObject()
        }
        w.endArray()
        w.endObject()
    }
}
