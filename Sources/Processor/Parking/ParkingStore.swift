import Events
import Postgres
import Projections

/// Reads and writes the tables of `ParkingProjection`.
public struct ParkingStore: ProjectionStore {
    public let projection: ParkingProjection
    public let tables: ParkingTables

    public init(projection: ParkingProjection = ParkingProjection(), tables: ParkingTables = ParkingTables()) {
        self.projection = projection
        self.tables = tables
    }

    public func loadStates(_ keys: [String], session: PGSession) throws -> [String: FacilityState] {
        guard !keys.isEmpty else { return [:] }
        let r = try session.execute(
            "SELECT facility_id, state::text FROM \(tables.state) WHERE facility_id = ANY($1::text[])", [.textArray(keys)])
        var states: [String: FacilityState] = [:]
        for row in 0..<r.rowCount {
            guard let id = r.string(row, 0), let text = r.string(row, 1) else { continue }
            states[id] = try FacilityState(json: try JSONParser.parse(text))
        }
        return states
    }

    /// The rows, then the states the batch left.
    public func write(_ batch: FoldedBatch<FacilityState, ParkingRow>, session: PGSession) throws {
        try write(batch.rows, session: session)
        try writeStates(batch.touched, session: session)
    }

    public func write(_ rows: [ParkingRow], session: PGSession) throws {
        // Current-state tables need only the last row of each key in a batch; history tables take every row.
        var sensors: [String: (String, String, SensorRow)] = [:]
        var current: [String: (String, Timestamp, AreaOccupancy)] = [:]
        var history = PGBinaryCopyWriter(reservingCapacity: 1024), historyCount = 0
        var stays = PGBinaryCopyWriter(reservingCapacity: 256), stayCount = 0
        var forecasts = PGBinaryCopyWriter(reservingCapacity: 256), forecastCount = 0
        var alerts = PGBinaryCopyWriter(reservingCapacity: 256), alertCount = 0
        for row in rows {
            switch row {
            case .spot(let f, let id, let s):
                sensors["\(f)/\(id)"] = (f, id, .spot(s))
            case .gate(let f, let id, let g):
                sensors["\(f)/\(id)"] = (f, id, .gate(g))
            case .occupancy(let f, let time, let o):
                current["\(f)/\(o.key)"] = (f, time, o)
                historyCount += 1
                history.beginRow(columns: 9)
                history.timestamptz(microsecondsSinceUnixEpoch: time.microseconds)
                history.text(f)
                Self.area(o, &history)
            case .stay(let s):
                stayCount += 1
                stays.beginRow(columns: 7)
                stays.timestamptz(microsecondsSinceUnixEpoch: s.end.microseconds)
                stays.timestamptz(microsecondsSinceUnixEpoch: s.start.microseconds)
                stays.text(s.facilityID)
                stays.text(s.spotID)
                stays.text(s.level)
                stays.text(s.zone)
                stays.int64(s.seconds)
            case .forecast(let f, let issuedAt, let capacity, let steps):
                for step in steps {
                    forecastCount += 1
                    forecasts.beginRow(columns: 5)
                    forecasts.timestamptz(microsecondsSinceUnixEpoch: issuedAt.microseconds)
                    forecasts.text(f)
                    forecasts.timestamptz(microsecondsSinceUnixEpoch: step.time.microseconds)
                    forecasts.int32(Int32(clamping: step.occupied))
                    forecasts.int32(Int32(clamping: capacity))
                }
            case .alert(let a):
                alertCount += 1
                alerts.beginRow(columns: 6)
                alerts.timestamptz(microsecondsSinceUnixEpoch: a.time.microseconds)
                alerts.text(a.facilityID)
                if let s = a.sensorID { alerts.text(s) } else { alerts.null() }
                alerts.text(a.event.id)
                alerts.text(a.event.type)
                alerts.jsonb(String(decoding: a.event.encoded, as: UTF8.self))
            }
        }
        if historyCount > 0 {
            try session.insertRows(
                into: tables.occupancyHistory,
                columns: ["time", "facility_id", "scope", "level", "zone", "occupied", "free", "unknown", "capacity"],
                rows: &history)
        }
        if stayCount > 0 {
            try session.insertRows(
                into: tables.stays,
                columns: ["ended_at", "started_at", "facility_id", "spot_id", "level", "zone", "duration_seconds"],
                rows: &stays)
        }
        if forecastCount > 0 {
            try session.insertRows(
                into: tables.forecasts, columns: ["issued_at", "facility_id", "target_time", "occupied", "capacity"],
                rows: &forecasts)
        }
        if alertCount > 0 {
            try session.insertRows(
                into: tables.alerts, columns: ["time", "facility_id", "sensor_id", "event_id", "type", "event"],
                rows: &alerts)
        }
        try writeCurrent(Array(current.values), session: session)
        try writeSensors(Array(sensors.values), session: session)
    }

    /// The fold state and summary row of each facility the batch touched.
    public func writeStates(_ states: [String: FacilityState], session: PGSession) throws {
        for s in states.values { try writeFacility(s, session: session) }
    }

    enum SensorRow {
        case spot(SpotState)
        case gate(GateState)
    }

    static func area(_ o: AreaOccupancy, _ w: inout PGBinaryCopyWriter) {
        w.text(o.scope.rawValue)
        w.text(o.level)
        w.text(o.zone)
        // Clamped, not trapped: areas arrive one event at a time, so nothing bounds their sum but their number;
        // a total past int4 is garbage either way, and a trap would stop the projection for good.
        for v in [o.occupied, o.free, o.unknown, o.capacity] { w.int32(Int32(clamping: v)) }
    }

    private func writeCurrent(_ lines: [(String, Timestamp, AreaOccupancy)], session: PGSession) throws {
        guard !lines.isEmpty else { return }
        var w = PGBinaryCopyWriter(reservingCapacity: lines.count * 64)
        for (f, time, o) in lines {
            w.beginRow(columns: 9)
            w.text(f)
            Self.area(o, &w)
            w.timestamptz(microsecondsSinceUnixEpoch: time.microseconds)
        }
        try session.upsertRows(
            into: tables.occupancyCurrent,
            columns: ["facility_id", "scope", "level", "zone", "occupied", "free", "unknown", "capacity", "updated_at"],
            key: ["facility_id", "scope", "level", "zone"], rows: &w)
    }

    private func writeSensors(_ lines: [(String, String, SensorRow)], session: PGSession) throws {
        guard !lines.isEmpty else { return }
        var w = PGBinaryCopyWriter(reservingCapacity: lines.count * 128)
        func time(_ t: Timestamp?) { if let t { w.timestamptz(microsecondsSinceUnixEpoch: t.microseconds) } else { w.null() } }
        for (f, id, sensor) in lines {
            w.beginRow(columns: 12)
            w.text(f)
            w.text(id)
            switch sensor {
            case .spot(let s):
                w.text("spot")
                w.text(s.level)
                w.text(s.zone)
                w.text(s.status.rawValue)
                time(s.since)
                if let p = s.pending { w.text(p ? SpotStatus.occupied.rawValue : SpotStatus.free.rawValue) } else { w.null() }
                time(s.pendingSince)
                time(s.lastSeen)
                if let b = s.batteryPercent { w.int32(Int32(b)) } else { w.null() }
                time(s.offlineSince)
            case .gate(let g):
                w.text("gate")
                w.text(g.level)
                w.text(g.zone)
                w.null()
                w.null()
                w.null()
                w.null()
                time(g.lastSeen)
                w.null()
                time(g.offlineSince)
            }
        }
        try session.upsertRows(
            into: tables.sensors,
            columns: ["facility_id", "sensor_id", "kind", "level", "zone", "status", "status_since", "pending_status",
                      "pending_since", "last_seen", "battery_percent", "offline_since"],
            key: ["facility_id", "sensor_id"], rows: &w)
    }

    private func writeFacility(_ s: FacilityState, session: PGSession) throws {
        var w = JSONWriter(capacity: 4096)
        s.encode(to: &w)
        _ = try session.execute(
            """
            INSERT INTO \(tables.state) (facility_id, state, updated_at) VALUES ($1, $2::jsonb, $3)
            ON CONFLICT (facility_id) DO UPDATE SET state = EXCLUDED.state, updated_at = EXCLUDED.updated_at
            """, [.text(s.facilityID), .json(w.string), .timestamp(s.clock?.microseconds)])
        let total = s.published["facility//"] ?? s.total
        _ = try session.execute(
            """
            INSERT INTO \(tables.facilities) AS f (facility_id, name, capacity, occupied, free, unknown, alert_up_percent,
              alert_down_percent, above_threshold, threshold_changed_at, sensors_offline, clock)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
            ON CONFLICT (facility_id) DO UPDATE SET name = EXCLUDED.name, capacity = EXCLUDED.capacity,
              occupied = EXCLUDED.occupied, free = EXCLUDED.free, unknown = EXCLUDED.unknown,
              alert_up_percent = EXCLUDED.alert_up_percent, alert_down_percent = EXCLUDED.alert_down_percent,
              above_threshold = EXCLUDED.above_threshold, threshold_changed_at = EXCLUDED.threshold_changed_at,
              sensors_offline = EXCLUDED.sensors_offline, clock = EXCLUDED.clock
            """,
            [
                .text(s.facilityID), .text(s.name), .int(Int64(total.capacity)), .int(Int64(total.occupied)),
                .int(Int64(total.free)), .int(Int64(total.unknown)), .int(Int64(s.settings.alertUpPercent)),
                .int(Int64(s.settings.alertDownPercent)), .bool(s.aboveThreshold),
                .timestamp(s.thresholdChangedAt?.microseconds), .int(Int64(s.offlineSensors)), .timestamp(s.clock?.microseconds),
            ])
    }
}
