/// Vehicles went through a gate of a count-based facility (topic `parking.sensors`, keyed by facility).
/// Each passage is counted once: a re-sent event keeps its id and the fold drops the repeat.
public struct GatePassed: EventPayload {
    public static let eventType = "parking.gate.passed"
    public static let schemaVersion = 1

    public enum Direction: String, Sendable, CaseIterable { case entry, exit }

    public var facilityID: String
    public var level: String
    public var zone: String
    public var gateID: String
    public var direction: Direction
    public var vehicles: Int

    public init(facilityID: String, level: String = "", zone: String = "", gateID: String, direction: Direction, vehicles: Int = 1) {
        self.facilityID = facilityID
        self.level = level
        self.zone = zone
        self.gateID = gateID
        self.direction = direction
        self.vehicles = vehicles
    }

    public var partitionKey: String { facilityID }

    public init(payload r: FieldReader) throws(EventValidationError) {
        facilityID = try r.identifier("facility_id")
        level = try r.area("level")
        zone = try r.area("zone")
        gateID = try r.identifier("gate_id")
        direction = try r.oneOf("direction", Direction.self)
        vehicles = try r.optionalInt("vehicles", in: ParkingLimits.vehicles) ?? 1
    }

    public func encode(to w: inout JSONWriter) {
        w.beginObject()
        w.key("facility_id"); w.string(facilityID)
        w.key("level"); w.string(level)
        w.key("zone"); w.string(zone)
        w.key("gate_id"); w.string(gateID)
        w.key("direction"); w.string(direction.rawValue)
        w.key("vehicles"); w.int(vehicles)
        w.endObject()
    }
}
