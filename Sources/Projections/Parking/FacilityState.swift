import Events

/// Everything the parking fold knows of one facility. Restored from its JSON (`parking_state`) on assignment.
public struct FacilityState: Sendable, Equatable {
    public var facilityID: String
    public var name: String?
    public var timeZone: String?
    public var settings = FacilitySettings()
    /// Capacity per area from the newest layout.
    public var layout: [ParkingArea: Int] = [:]
    public var spots: [String: SpotState] = [:]
    public var gates: [String: GateState] = [:]
    public var counts: [ParkingArea: CountState] = [:]
    /// The facility's clock: the newest event time of its stream. Debounce and silence are judged by it,
    /// so a replay decides exactly as live did.
    public var clock: Timestamp?
    public var aboveThreshold = false
    public var thresholdChangedAt: Timestamp?
    public var profile = OccupancyProfile()
    /// Quarter hours since the epoch (facility-local) of the last profile sample and forecast.
    public var lastQuarter: Int64?
    /// Share of capacity occupied at the last quarter hour (the trend's base).
    public var previousShare: Double?
    /// Ids of the newest gate passages: a re-sent passage is counted once.
    public var recentGateEvents: [String] = []
    public static let gateEventsKept = 256
    /// Occupancy as last written, per row key (recomputed on restore: it is a function of the rest).
    public var published: [String: AreaOccupancy] = [:]

    /// Earliest facility time at which a pending change or a silence may fall due: a lower bound, so most
    /// events skip the sweep over every spot.
    var nextDue = DueHint()

    public init(facilityID: String) { self.facilityID = facilityID }

    /// Occupancy of the facility, each level and each zone, from the spots and counts.
    public func occupancy() -> [AreaOccupancy] {
        var areas = Set(layout.keys).union(counts.keys)
        var spotCounts: [ParkingArea: (occupied: Int, free: Int, total: Int)] = [:]
        for spot in spots.values {
            let area = spot.area
            areas.insert(area)
            var c = spotCounts[area] ?? (0, 0, 0)
            c.total += 1
            if spot.status == .occupied { c.occupied += 1 } else if spot.status == .free { c.free += 1 }
            spotCounts[area] = c
        }
        var total = AreaOccupancy(scope: .facility, level: "", zone: "")
        var levels: [String: AreaOccupancy] = [:]
        var result: [AreaOccupancy] = []
        for area in areas.sorted() {
            var o = AreaOccupancy(scope: area.zone.isEmpty ? .level : .zone, level: area.level, zone: area.zone)
            if let count = counts[area] {
                o.capacity = layout[area] ?? count.reportedCapacity ?? 0
                o.occupied = min(max(count.count, 0), o.capacity)
                o.free = o.capacity - o.occupied
            } else {
                let c = spotCounts[area] ?? (0, 0, 0)
                o.capacity = layout[area] ?? c.total
                o.occupied = min(c.occupied, o.capacity)
                o.free = min(c.free, o.capacity - o.occupied)
                o.unknown = o.capacity - o.occupied - o.free
            }
            total.add(o)
            if !area.level.isEmpty {
                levels[area.level, default: AreaOccupancy(scope: .level, level: area.level, zone: "")].add(o)
            }
            if !area.zone.isEmpty { result.append(o) }
        }
        result.append(total)
        result.append(contentsOf: levels.values)
        return result.sorted { $0.key < $1.key }
    }

    public var total: AreaOccupancy { occupancy().first { $0.scope == .facility } ?? AreaOccupancy(scope: .facility, level: "", zone: "") }

    /// Sensors offline now: spots and gates.
    public var offlineSensors: Int {
        spots.values.filter { $0.offlineSince != nil }.count + gates.values.filter { $0.offlineSince != nil }.count
    }

    /// A cache, not state: two facilities that differ only in it are the same facility (a restored state
    /// recomputes it with its first sweep).
    struct DueHint: Sendable, Equatable {
        var microseconds: Int64?
        static func == (_: Self, _: Self) -> Bool { true }

        /// Lowers a known bound; an unknown one (nil: sweep next time) stays unknown, or the sweep that
        /// would find what is due before `due` would be skipped.
        mutating func note(_ due: Int64) {
            if let known = microseconds { microseconds = min(known, due) }
        }
    }

    // MARK: JSON (the fold state column)

    public func encode(to w: inout JSONWriter) {
        func area(_ a: ParkingArea) { w.key("level"); w.string(a.level); w.key("zone"); w.string(a.zone) }
        w.beginObject()
        w.key("facility_id"); w.string(facilityID)
        w.key("name"); w.optional(name)
        w.key("time_zone"); w.optional(timeZone)
        w.key("settings"); w.beginArray()
        for v in [settings.debounceSeconds, settings.heartbeatAllowanceSeconds, settings.alertUpPercent, settings.alertDownPercent] { w.int(v) }
        w.endArray()
        w.key("layout"); w.beginArray()
        for (a, capacity) in layout.sorted(by: { $0.key < $1.key }) {
            w.beginObject(); area(a); w.key("capacity"); w.int(capacity); w.endObject()
        }
        w.endArray()
        w.key("spots"); w.beginArray()
        for (id, s) in spots.sorted(by: { $0.key < $1.key }) {
            w.beginObject()
            w.key("id"); w.string(id)
            w.key("level"); w.string(s.level)
            w.key("zone"); w.string(s.zone)
            w.key("status"); w.string(s.status.rawValue)
            w.key("since"); w.optional(s.since)
            w.key("pending"); if let p = s.pending { w.bool(p) } else { w.null() }
            w.key("pending_since"); w.optional(s.pendingSince)
            w.key("last_reading"); w.optional(s.lastReading)
            w.key("last_seen"); w.timestamp(s.lastSeen)
            w.key("battery"); w.optional(s.batteryPercent)
            w.key("offline_since"); w.optional(s.offlineSince)
            w.key("stay_start"); w.optional(s.stayStart)
            w.endObject()
        }
        w.endArray()
        w.key("gates"); w.beginArray()
        for (id, g) in gates.sorted(by: { $0.key < $1.key }) {
            w.beginObject()
            w.key("id"); w.string(id)
            w.key("level"); w.string(g.level)
            w.key("zone"); w.string(g.zone)
            w.key("last_seen"); w.timestamp(g.lastSeen)
            w.key("offline_since"); w.optional(g.offlineSince)
            w.endObject()
        }
        w.endArray()
        w.key("counts"); w.beginArray()
        for (a, c) in counts.sorted(by: { $0.key < $1.key }) {
            w.beginObject(); area(a)
            w.key("count"); w.int(c.count)
            w.key("reported_capacity"); w.optional(c.reportedCapacity)
            w.key("last_total_at"); w.optional(c.lastTotalAt)
            w.endObject()
        }
        w.endArray()
        w.key("clock"); w.optional(clock)
        w.key("above_threshold"); w.bool(aboveThreshold)
        w.key("threshold_changed_at"); w.optional(thresholdChangedAt)
        w.key("profile"); w.beginArray()
        for slot in profile.counts.keys.sorted() {
            w.beginArray(); w.int(slot); w.int(profile.counts[slot]!); w.double(profile.sums[slot] ?? 0); w.endArray()
        }
        w.endArray()
        w.key("last_quarter"); w.optional(lastQuarter)
        w.key("previous_share"); w.optional(previousShare)
        w.key("recent_gate_events"); w.beginArray(); for id in recentGateEvents { w.string(id) }; w.endArray()
        w.endObject()
    }

    public init(json: JSONValue) throws(EventValidationError) {
        let r = try FieldReader(json)
        self.init(facilityID: try r.string("facility_id"))
        name = try r.optionalString("name")
        timeZone = try r.optionalString("time_zone")
        let s = (r.value("settings")?.arrayValue ?? []).compactMap { $0.int64Value.map { Int($0) } }
        if s.count == 4 { settings = FacilitySettings(debounceSeconds: s[0], heartbeatAllowanceSeconds: s[1], alertUpPercent: s[2], alertDownPercent: s[3]) }
        func items(_ key: String) throws(EventValidationError) -> [FieldReader] {
            var readers: [FieldReader] = []
            for (i, v) in (r.value(key)?.arrayValue ?? []).enumerated() { readers.append(try FieldReader(v, path: "\(key)[\(i)]")) }
            return readers
        }
        func area(_ a: FieldReader) throws(EventValidationError) -> ParkingArea {
            ParkingArea(level: try a.optionalString("level") ?? "", zone: try a.optionalString("zone") ?? "")
        }
        for a in try items("layout") { layout[try area(a)] = Int(try a.int("capacity")) }
        for a in try items("spots") {
            var spot = SpotState(level: try a.optionalString("level") ?? "", zone: try a.optionalString("zone") ?? "", lastSeen: try a.timestamp("last_seen"))
            spot.status = try a.oneOf("status", SpotStatus.self)
            spot.since = try a.optionalTimestamp("since")
            spot.pending = try a.optionalBool("pending")
            spot.pendingSince = try a.optionalTimestamp("pending_since")
            spot.lastReading = try a.optionalTimestamp("last_reading")
            spot.batteryPercent = try a.optionalInt("battery").map { Int($0) }
            spot.offlineSince = try a.optionalTimestamp("offline_since")
            spot.stayStart = try a.optionalTimestamp("stay_start")
            spots[try a.string("id")] = spot
        }
        for a in try items("gates") {
            var gate = GateState(level: try a.optionalString("level") ?? "", zone: try a.optionalString("zone") ?? "", lastSeen: try a.timestamp("last_seen"))
            gate.offlineSince = try a.optionalTimestamp("offline_since")
            gates[try a.string("id")] = gate
        }
        for a in try items("counts") {
            var c = CountState()
            c.count = Int(try a.int("count"))
            c.reportedCapacity = try a.optionalInt("reported_capacity").map { Int($0) }
            c.lastTotalAt = try a.optionalTimestamp("last_total_at")
            counts[try area(a)] = c
        }
        clock = try r.optionalTimestamp("clock")
        aboveThreshold = try r.bool("above_threshold")
        thresholdChangedAt = try r.optionalTimestamp("threshold_changed_at")
        for v in r.value("profile")?.arrayValue ?? [] {
            guard let t = v.arrayValue, t.count == 3, let slot = t[0].int64Value, let n = t[1].int64Value, let sum = t[2].doubleValue else { continue }
            profile.counts[Int(slot)] = Int(n)
            profile.sums[Int(slot)] = sum
        }
        lastQuarter = try r.optionalInt("last_quarter")
        previousShare = try r.optionalDouble("previous_share")
        recentGateEvents = (r.value("recent_gate_events")?.arrayValue ?? []).compactMap { v -> String? in
            if case .string(let s) = v { return s }
            return nil
        }
        for o in occupancy() { published[o.key] = o }
    }
}
