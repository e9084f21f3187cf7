/// Derived (topic `parking.forecasts`): a facility's expected occupancy for the next hour in 15-minute steps,
/// issued at each quarter hour of the facility's clock. Event time: the quarter hour it was issued at.
public struct OccupancyForecast: EventPayload {
    public static let eventType = "parking.occupancy.forecast"
    public static let schemaVersion = 1

    public struct Step: Sendable, Equatable {
        public var time: Timestamp
        public var occupied: Int

        public init(time: Timestamp, occupied: Int) {
            self.time = time
            self.occupied = occupied
        }
    }

    public var facilityID: String
    public var capacity: Int
    /// Occupied when issued.
    public var occupied: Int
    public var steps: [Step]
    /// Weeks of hour-of-week profile behind it (0: the trend alone).
    public var profileWeight: Double

    public init(facilityID: String, capacity: Int, occupied: Int, steps: [Step], profileWeight: Double) {
        self.facilityID = facilityID
        self.capacity = capacity
        self.occupied = occupied
        self.steps = steps
        self.profileWeight = profileWeight
    }

    public var partitionKey: String { facilityID }

    public init(payload r: FieldReader) throws(EventValidationError) {
        facilityID = try r.identifier("facility_id")
        capacity = try r.int("capacity", in: ParkingLimits.facilityTotal)
        occupied = try r.int("occupied", in: ParkingLimits.facilityTotal)
        profileWeight = try r.double("profile_weight")
        steps = try r.objects("steps", shape: "{time, occupied}") { s throws(EventValidationError) in
            Step(time: try s.timestamp("time"), occupied: try s.int("occupied", in: ParkingLimits.facilityTotal))
        }
    }

    public func encode(to w: inout JSONWriter) {
        w.beginObject()
        w.key("facility_id"); w.string(facilityID)
        w.key("capacity"); w.int(capacity)
        w.key("occupied"); w.int(occupied)
        w.key("profile_weight"); w.double(profileWeight)
        w.key("steps")
        w.beginArray()
        for s in steps {
            w.beginObject()
            w.key("time"); w.timestamp(s.time)
            w.key("occupied"); w.int(s.occupied)
            w.endObject()
        }
        w.endArray()
        w.endObject()
    }
}
