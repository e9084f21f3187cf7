/// Derived: an attraction's forecast wait some minutes ahead (topic `parks.wait-predictions`, keyed by
/// attraction), and which link of the fallback chain answered: the active model, the previous one, or a
/// baseline (persistence, seasonal-naive).
public struct WaitTimePredicted: EventPayload {
    public static let eventType = "parks.wait_time.predicted"
    public static let schemaVersion = 1

    public var parkID: String
    public var attractionID: String
    public var horizonMinutes: Int
    /// The instant the forecast is for.
    public var targetTime: Timestamp
    public var predictedMinutes: Double
    /// The model's registry version, when a model answered.
    public var modelVersion: Int?
    /// `active_model`, `previous_model`, `persistence` or `seasonal_naive`.
    public var source: String

    public static let sources = ["active_model", "previous_model", "persistence", "seasonal_naive"]
    /// What a predicted wait may be: a wait's range.
    public static let minutes = 0...Double(WaitTimeObserved.maxWaitMinutes)

    public init(
        parkID: String, attractionID: String, horizonMinutes: Int, targetTime: Timestamp, predictedMinutes: Double, modelVersion: Int?,
        source: String
    ) {
        self.parkID = parkID
        self.attractionID = attractionID
        self.horizonMinutes = horizonMinutes
        self.targetTime = targetTime
        self.predictedMinutes = predictedMinutes
        self.modelVersion = modelVersion
        self.source = source
    }

    public var partitionKey: String { WaitTimeObserved.partitionKey(parkID: parkID, attractionID: attractionID) }

    public init(payload r: FieldReader) throws(EventValidationError) {
        parkID = try r.identifier("park_id")
        attractionID = try r.identifier("attraction_id")
        horizonMinutes = Int(try r.int("horizon_minutes"))
        guard (1...1_440).contains(horizonMinutes) else {
            throw EventValidationError(field: r.fieldPath("horizon_minutes"), reason: "\(horizonMinutes) is outside 1...1440")
        }
        targetTime = try r.timestamp("target_time")
        predictedMinutes = try r.double("predicted_minutes", in: Self.minutes)
        modelVersion = try r.optionalInt("model_version").map(Int.init)
        source = try r.string("source")
        guard Self.sources.contains(source) else {
            throw EventValidationError(field: r.fieldPath("source"), reason: "'\(source)' is not one of \(Self.sources.joined(separator: ", "))")
        }
    }

    public func encode(to w: inout JSONWriter) {
        w.beginObject()
        w.key("park_id"); w.string(parkID)
        w.key("attraction_id"); w.string(attractionID)
        w.key("horizon_minutes"); w.int(horizonMinutes)
        w.key("target_time"); w.timestamp(targetTime)
        w.key("predicted_minutes"); w.double(predictedMinutes)
        w.key("model_version"); w.optional(modelVersion)
        w.key("source"); w.string(source)
        w.endObject()
    }
}
