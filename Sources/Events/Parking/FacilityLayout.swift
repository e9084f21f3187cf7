/// A facility's layout and alerting settings (topic `parking.sensors`, keyed by facility). A newer layout
/// replaces the older one; settings it omits keep their defaults.
public struct FacilityLayout: EventPayload {
    public static let eventType = "parking.facility.layout"
    public static let schemaVersion = 1

    /// Capacity of one level/zone ("" when the facility is not divided that way).
    public struct Area: Sendable, Equatable, Hashable {
        public var level: String
        public var zone: String
        public var capacity: Int

        public init(level: String = "", zone: String = "", capacity: Int) {
            self.level = level
            self.zone = zone
            self.capacity = capacity
        }
    }

    public var facilityID: String
    public var name: String?
    /// IANA zone of the facility: its hour-of-week profile is kept in local time.
    public var timeZone: String?
    public var areas: [Area]
    public var settings: FacilitySettings

    public init(facilityID: String, name: String? = nil, timeZone: String? = nil, areas: [Area], settings: FacilitySettings = .init()) {
        self.facilityID = facilityID
        self.name = name
        self.timeZone = timeZone
        self.areas = areas
        self.settings = settings
    }

    public var partitionKey: String { facilityID }

    public init(payload r: FieldReader) throws(EventValidationError) {
        facilityID = try r.identifier("facility_id")
        name = try r.optionalString("name")
        timeZone = try r.optionalString("time_zone")
        guard case .array(let items)? = r.value("areas") else {
            throw EventValidationError(field: r.fieldPath("areas"), reason: "is required: an array of {level, zone, capacity}")
        }
        guard items.count <= ParkingLimits.maxAreas else {
            throw EventValidationError(field: r.fieldPath("areas"), reason: "holds \(items.count) areas; at most \(ParkingLimits.maxAreas) are accepted")
        }
        var areas: [Area] = []
        var seen = Set<Area>()
        for (i, item) in items.enumerated() {
            let a = try FieldReader(item, path: r.fieldPath("areas[\(i)]"))
            let area = Area(level: try a.area("level"), zone: try a.area("zone"), capacity: try a.int("capacity", in: ParkingLimits.capacity))
            let key = Area(level: area.level, zone: area.zone, capacity: 0)
            guard seen.insert(key).inserted else {
                throw EventValidationError(field: a.fieldPath("zone"), reason: "level '\(area.level)' zone '\(area.zone)' appears twice")
            }
            areas.append(area)
        }
        self.areas = areas
        var s = FacilitySettings()
        if let v = try r.optionalInt("debounce_seconds", in: ParkingLimits.seconds) { s.debounceSeconds = v }
        if let v = try r.optionalInt("heartbeat_allowance_seconds", in: 1...ParkingLimits.seconds.upperBound) { s.heartbeatAllowanceSeconds = v }
        if let v = try r.optionalInt("alert_up_percent", in: ParkingLimits.percent) { s.alertUpPercent = v }
        if let v = try r.optionalInt("alert_down_percent", in: ParkingLimits.percent) { s.alertDownPercent = v }
        guard s.alertDownPercent < s.alertUpPercent else {
            throw EventValidationError(
                field: r.fieldPath("alert_down_percent"),
                reason: "\(s.alertDownPercent) must be below alert_up_percent (\(s.alertUpPercent)): the gap is the hysteresis")
        }
        settings = s
    }

    public func encode(to w: inout JSONWriter) {
        w.beginObject()
        w.key("facility_id"); w.string(facilityID)
        if let name { w.key("name"); w.string(name) }
        if let timeZone { w.key("time_zone"); w.string(timeZone) }
        w.key("areas")
        w.beginArray()
        for a in areas {
            w.beginObject()
            w.key("level"); w.string(a.level)
            w.key("zone"); w.string(a.zone)
            w.key("capacity"); w.int(a.capacity)
            w.endObject()
        }
        w.endArray()
        w.key("debounce_seconds"); w.int(settings.debounceSeconds)
        w.key("heartbeat_allowance_seconds"); w.int(settings.heartbeatAllowanceSeconds)
        w.key("alert_up_percent"); w.int(settings.alertUpPercent)
        w.key("alert_down_percent"); w.int(settings.alertDownPercent)
        w.endObject()
    }
}

/// How a facility's sensors are judged and when it alerts. Defaults suit bay sensors that report on change
/// and send a heartbeat every few minutes.
public struct FacilitySettings: Sendable, Equatable {
    /// A spot's new state counts only once it has held this long (flapping never reaches occupancy).
    public var debounceSeconds: Int = 30
    /// A sensor silent for longer is `unknown` and raises `SensorOffline`.
    public var heartbeatAllowanceSeconds: Int = 900
    /// `OccupancyThresholdCrossed` up at this share of capacity …
    public var alertUpPercent: Int = 90
    /// … and down again only at or below this one.
    public var alertDownPercent: Int = 80

    public init(debounceSeconds: Int = 30, heartbeatAllowanceSeconds: Int = 900, alertUpPercent: Int = 90, alertDownPercent: Int = 80) {
        self.debounceSeconds = debounceSeconds
        self.heartbeatAllowanceSeconds = heartbeatAllowanceSeconds
        self.alertUpPercent = alertUpPercent
        self.alertDownPercent = alertDownPercent
    }
}
