import Events
import Postgres
import Projections

/// Reads and writes the tables of `CrowdProjection`.
public struct CrowdStore: ProjectionStore {
    public let projection: CrowdProjection
    public let placement: TablePlacement

    public init(projection: CrowdProjection = CrowdProjection(), placement: TablePlacement = .live) {
        self.projection = projection
        self.placement = placement
    }

    public func loadStates(_ keys: [String], session: PGSession) throws -> [String: ParkCrowdState] {
        var states: [String: ParkCrowdState] = [:]
        guard let r = try StateMirror.rows(of: CrowdTables.parkCrowdCurrent, keys: keys, placement: placement, session: session) else {
            return states
        }
        for row in 0..<r.rowCount {
            guard let park = try r.string(row, "park_id") else { continue }
            var s = ParkCrowdState(parkID: park)
            s.level = try r.string(row, "level").flatMap(CrowdLevel.init(rawValue:))
            s.ratio = try r.double(row, "ratio")
            s.levelSince = try r.timestamp(row, "level_since").map(Timestamp.init(microseconds:))
            s.updatedAt = try r.timestamp(row, "updated_at").map(Timestamp.init(microseconds:))
            s.lastSampleAt = try r.timestamp(row, "last_sample_at").map(Timestamp.init(microseconds:))
            if let text = try r.string(row, "attractions"), let json = try? JSONParser.parse(text), let members = json.objectValue {
                for (id, value) in members {
                    guard let a = try? FieldReader(value), let at = try? a.timestamp("observed_at") else { continue }
                    s.attractions[id] = .init(
                        waitMinutes: (try? a.optionalInt("wait_minutes"))?.flatMap { Int($0) },
                        isOpen: (try? a.bool("open")) ?? false,
                        baselineP50: (try? a.optionalInt("baseline_p50"))?.flatMap { Int($0) }, observedAt: at)
                }
            }
            states[park] = s
        }
        return states
    }

    static func attractionsJSON(_ s: ParkCrowdState) -> String {
        var w = JSONWriter(capacity: 64 * s.attractions.count + 2)
        w.beginObject()
        for (id, a) in s.attractions.sorted(by: { $0.key < $1.key }) {
            w.key(id)
            w.beginObject()
            w.key("wait_minutes"); w.optional(a.waitMinutes)
            w.key("open"); w.bool(a.isOpen)
            w.key("baseline_p50"); w.optional(a.baselineP50)
            w.key("observed_at"); w.timestamp(a.observedAt)
            w.endObject()
        }
        w.endObject()
        return w.string
    }

    /// Its state is stored as the rows it writes.
    public func write(_ batch: FoldedBatch<ParkCrowdState, CrowdRow>, to tables: inout TableWriter) throws {
        try write(batch.rows, to: &tables)
    }

    public func write(_ rows: [CrowdRow], to tables: inout TableWriter) throws {
        var samples = CrowdTables.crowdLevels.rows(reservingCapacity: rows.count * 80)
        // Current-state tables take the last row of each key in the batch.
        var current: [String: ParkCrowdState] = [:]
        var schedules: [String: ParkScheduleUpdated] = [:]
        for row in rows {
            switch row {
            case .sample(let s):
                samples.beginRow()
                samples.timestamptz(microsecondsSinceUnixEpoch: s.time.microseconds)
                samples.text(s.parkID)
                samples.text(s.level.rawValue)
                samples.float8(s.ratio)
                samples.float8(s.meanWaitMinutes)
                samples.float8(s.baselineMeanMinutes)
                samples.int32(Int32(s.openAttractions))
            case .current(let s):
                current[s.parkID] = s
            case .schedule(let s):
                schedules["\(s.parkID)/\(s.date)"] = s
            }
        }
        try tables.write(&samples, into: CrowdTables.crowdLevels)

        var w = CrowdTables.parkCrowdCurrent.rows(reservingCapacity: current.count * 256)
        func time(_ t: Timestamp?) { if let t { w.timestamptz(microsecondsSinceUnixEpoch: t.microseconds) } else { w.null() } }
        for s in current.values {
            w.beginRow()
            w.text(s.parkID)
            if let v = s.level { w.text(v.rawValue) } else { w.null() }
            if let v = s.ratio { w.float8(v) } else { w.null() }
            time(s.levelSince)
            time(s.updatedAt)
            time(s.lastSampleAt)
            w.jsonb(Self.attractionsJSON(s))
        }
        try tables.write(&w, into: CrowdTables.parkCrowdCurrent)

        var d = CrowdTables.parkSchedules.rows(reservingCapacity: schedules.count * 80)
        for s in schedules.values {
            d.beginRow()
            d.text(s.parkID)
            // Validated as a calendar date when decoded: anything else here is a bug, not data.
            guard let day = Timestamp(iso8601: s.date) else {
                throw PGError(kind: .misuse, message: "park schedule date '\(s.date)' passed validation but is not a date")
            }
            d.date(daysSinceUnixEpoch: Int32(Timestamp.floorDivision(day.microseconds, 86_400_000_000)))
            d.timestamptz(microsecondsSinceUnixEpoch: s.opensAt.microseconds)
            d.timestamptz(microsecondsSinceUnixEpoch: s.closesAt.microseconds)
            if let z = s.timeZone { d.text(z) } else { d.null() }
        }
        try tables.write(&d, into: CrowdTables.parkSchedules)
    }
}
