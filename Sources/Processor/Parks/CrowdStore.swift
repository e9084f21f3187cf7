import Events
import Postgres
import Projections

/// Reads and writes the tables of `CrowdProjection`.
public struct CrowdStore: ProjectionStore {
    public let projection: CrowdProjection
    public let tables: ParksTables

    public init(projection: CrowdProjection = CrowdProjection(), tables: ParksTables = ParksTables()) {
        self.projection = projection
        self.tables = tables
    }

    public func loadStates(_ keys: [String], session: PGSession) throws -> [String: ParkCrowdState] {
        guard !keys.isEmpty else { return [:] }
        let r = try session.execute(
            """
            SELECT park_id, level, ratio, level_since, updated_at, last_sample_at, attractions::text
            FROM \(tables.parkCrowdCurrent) WHERE park_id = ANY($1::text[])
            """, [.textArray(keys)])
        var states: [String: ParkCrowdState] = [:]
        for row in 0..<r.rowCount {
            guard let park = r.string(row, 0) else { continue }
            var s = ParkCrowdState(parkID: park)
            s.level = r.string(row, 1).flatMap(CrowdLevel.init(rawValue:))
            s.ratio = try r.double(row, 2)
            s.levelSince = try r.timestamp(row, 3).map(Timestamp.init(microseconds:))
            s.updatedAt = try r.timestamp(row, 4).map(Timestamp.init(microseconds:))
            s.lastSampleAt = try r.timestamp(row, 5).map(Timestamp.init(microseconds:))
            if let text = r.string(row, 6), let json = try? JSONParser.parse(text), let members = json.objectValue {
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
    public func write(_ batch: FoldedBatch<ParkCrowdState, CrowdRow>, session: PGSession) throws {
        try write(batch.rows, session: session)
    }

    public func write(_ rows: [CrowdRow], session: PGSession) throws {
        var samples = PGBinaryCopyWriter(reservingCapacity: rows.count * 80)
        var sampleCount = 0
        var current: [String: ParkCrowdState] = [:]
        var schedules: [String: ParkScheduleUpdated] = [:]
        for row in rows {
            switch row {
            case .sample(let s):
                sampleCount += 1
                samples.beginRow(columns: 7)
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
        if sampleCount > 0 {
            try session.insertRows(
                into: tables.crowdLevels,
                columns: ["time", "park_id", "level", "ratio", "mean_wait_minutes", "baseline_mean_minutes",
                          "open_attractions"],
                rows: &samples)
        }
        for s in current.values {
            _ = try session.execute(
                """
                INSERT INTO \(tables.parkCrowdCurrent) (park_id, level, ratio, level_since, updated_at, last_sample_at, attractions)
                VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)
                ON CONFLICT (park_id) DO UPDATE SET level = EXCLUDED.level, ratio = EXCLUDED.ratio,
                  level_since = EXCLUDED.level_since, updated_at = EXCLUDED.updated_at,
                  last_sample_at = EXCLUDED.last_sample_at, attractions = EXCLUDED.attractions
                """,
                [
                    .text(s.parkID), .text(s.level?.rawValue), .double(s.ratio), .timestamp(s.levelSince?.microseconds),
                    .timestamp(s.updatedAt?.microseconds), .timestamp(s.lastSampleAt?.microseconds),
                    .json(Self.attractionsJSON(s)),
                ])
        }
        for s in schedules.values {
            _ = try session.execute(
                """
                INSERT INTO \(tables.parkSchedules) (park_id, date, opens_at, closes_at, time_zone)
                VALUES ($1, $2::date, $3, $4, $5)
                ON CONFLICT (park_id, date) DO UPDATE SET opens_at = EXCLUDED.opens_at,
                  closes_at = EXCLUDED.closes_at, time_zone = EXCLUDED.time_zone
                """,
                [.text(s.parkID), .text(s.date), .timestamp(s.opensAt.microseconds), .timestamp(s.closesAt.microseconds), .text(s.timeZone)])
        }
    }
}
