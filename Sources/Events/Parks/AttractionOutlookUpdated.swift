/// Derived: an attraction's predicted waits for the rest of its park's day, hour by hour (topic
/// `parks.attraction-outlooks`, keyed by park, so that the park's crowd forecast folds every attraction of the
/// park in one partition's order). Written by the wait-forecast fold each time it predicts.
public struct AttractionOutlookUpdated: EventPayload {
    public static let eventType = "parks.attraction_outlook.updated"
    public static let schemaVersion = 1
    /// The most hours an outlook covers (a park day).
    public static let maxHours = 24

    /// One hour of the outlook: the predicted wait at its middle and the attraction's usual wait then (its
    /// hour-of-week P50), the two a crowd level is the ratio of.
    public struct Hour: Sendable, Equatable {
        public var start: Timestamp
        public var predictedMinutes: Double
        public var baselineP50: Int

        public init(start: Timestamp, predictedMinutes: Double, baselineP50: Int) {
            self.start = start
            self.predictedMinutes = predictedMinutes
            self.baselineP50 = baselineP50
        }
    }

    public var parkID: String
    public var attractionID: String
    /// When the predictions behind it were made (the reading's event time).
    public var madeAt: Timestamp
    public var hours: [Hour]

    public init(parkID: String, attractionID: String, madeAt: Timestamp, hours: [Hour]) {
        self.parkID = parkID
        self.attractionID = attractionID
        self.madeAt = madeAt
        self.hours = hours
    }

    public var partitionKey: String { parkID }

    public init(payload r: FieldReader) throws(EventValidationError) {
        parkID = try r.identifier("park_id")
        attractionID = try r.identifier("attraction_id")
        madeAt = try r.timestamp("made_at")
        hours = try r.objects("hours", max: Self.maxHours, shape: "{start, predicted_minutes, baseline_p50}") { h throws(EventValidationError) in
            Hour(
                start: try h.timestamp("start"), predictedMinutes: try h.double("predicted_minutes", in: WaitTimePredicted.minutes),
                baselineP50: try h.int("baseline_p50", in: 0...WaitTimeObserved.maxWaitMinutes))
        }
    }

    public func encode(to w: inout JSONWriter) {
        w.beginObject()
        w.key("park_id"); w.string(parkID)
        w.key("attraction_id"); w.string(attractionID)
        w.key("made_at"); w.timestamp(madeAt)
        w.key("hours")
        w.beginArray()
        for h in hours {
            w.beginObject()
            w.key("start"); w.timestamp(h.start)
            w.key("predicted_minutes"); w.double(h.predictedMinutes)
            w.key("baseline_p50"); w.int(h.baselineP50)
            w.endObject()
        }
        w.endArray()
        w.endObject()
    }
}
