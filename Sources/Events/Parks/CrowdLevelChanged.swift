/// Derived: a park's crowd level changed (topic `parks.crowd-levels`, keyed by park).
public struct CrowdLevelChanged: EventPayload {
    public static let eventType = "parks.crowd_level.changed"
    public static let schemaVersion = 1

    public var parkID: String
    public var level: CrowdLevel
    public var previousLevel: CrowdLevel?
    public var ratio: Double
    public var meanWaitMinutes: Double
    public var baselineMeanMinutes: Double
    public var openAttractions: Int

    public init(
        parkID: String, level: CrowdLevel, previousLevel: CrowdLevel?, ratio: Double, meanWaitMinutes: Double,
        baselineMeanMinutes: Double, openAttractions: Int
    ) {
        self.parkID = parkID
        self.level = level
        self.previousLevel = previousLevel
        self.ratio = ratio
        self.meanWaitMinutes = meanWaitMinutes
        self.baselineMeanMinutes = baselineMeanMinutes
        self.openAttractions = openAttractions
    }

    public var partitionKey: String { parkID }

    public init(payload r: FieldReader) throws(EventValidationError) {
        parkID = try r.identifier("park_id")
        level = try r.oneOf("level", CrowdLevel.self)
        if try r.optionalString("previous_level") != nil {
            previousLevel = try r.oneOf("previous_level", CrowdLevel.self)
        } else {
            previousLevel = nil
        }
        ratio = try r.double("ratio")
        meanWaitMinutes = try r.double("mean_wait_minutes")
        baselineMeanMinutes = try r.double("baseline_mean_minutes")
        openAttractions = Int(try r.int("open_attractions"))
    }

    public func encode(to w: inout JSONWriter) {
        w.beginObject()
        w.key("park_id"); w.string(parkID)
        w.key("level"); w.string(level.rawValue)
        w.key("previous_level"); w.optional(previousLevel?.rawValue)
        w.key("ratio"); w.double(ratio)
        w.key("mean_wait_minutes"); w.double(meanWaitMinutes)
        w.key("baseline_mean_minutes"); w.double(baselineMeanMinutes)
        w.key("open_attractions"); w.int(openAttractions)
        w.endObject()
    }
}
