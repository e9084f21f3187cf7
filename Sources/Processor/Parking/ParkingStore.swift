import Events
import Postgres
import Projections

/// Reads and writes the tables of `ParkingProjection`.
public struct ParkingStore: ProjectionStore {
    public let projection: ParkingProjection
    public let placement: TablePlacement

    public init(projection: ParkingProjection = ParkingProjection(), placement: TablePlacement = .live) {
        self.projection = projection
        self.placement = placement
    }

    public func loadStates(_ keys: [String], session: PGSession) throws -> [String: FacilityState] {
        var states: [String: FacilityState] = [:]
        guard let r = try StateMirror.rows(of: ParkingTables.state, keys: keys, placement: placement, session: session) else {
            return states
        }
        for row in 0..<r.rowCount {
            guard let id = try r.string(row, "facility_id"), let text = try r.string(row, "state") else { continue }
            states[id] = try FacilityState(json: try JSONParser.parse(text))
        }
        return states
    }

    /// The rows, then the states the batch left.
    public func write(_ batch: FoldedBatch<FacilityState, ParkingRow>, to tables: inout TableWriter) throws {
        try write(batch.rows, to: &tables)
        try writeStates(batch.touched, to: &tables)
    }

    public func write(_ rows: [ParkingRow], to tables: inout TableWriter) throws {
        // Current-state tables need only the last row of each key in a batch; history tables take every row.
        var sensors: [String: (String, String, SensorRow)] = [:]
        var current: [String: (String, Timestamp, AreaOccupancy)] = [:]
        var history = ParkingTables.occupancyHistory.rows(reservingCapacity: 1024)
        var stays = ParkingTables.stays.rows(reservingCapacity: 256)
        var forecasts = ParkingTables.forecasts.rows(reservingCapacity: 256)
        var alerts = ParkingTables.alerts.rows(reservingCapacity: 256)
        for row in rows {
            switch row {
            case .spot(let f, let id, let s):
                sensors["\(f)/\(id)"] = (f, id, .spot(s))
            case .gate(let f, let id, let g):
                sensors["\(f)/\(id)"] = (f, id, .gate(g))
            case .occupancy(let f, let time, let o):
                current["\(f)/\(o.key)"] = (f, time, o)
                history.beginRow()
                history.timestamptz(microsecondsSinceUnixEpoch: time.microseconds)
                history.text(f)
                Self.area(o, &history)
            case .stay(let s):
                stays.beginRow()
                stays.timestamptz(microsecondsSinceUnixEpoch: s.end.microseconds)
                stays.timestamptz(microsecondsSinceUnixEpoch: s.start.microseconds)
                stays.text(s.facilityID)
                stays.text(s.spotID)
                stays.text(s.level)
                stays.text(s.zone)
                stays.int64(s.seconds)
            case .forecast(let f, let issuedAt, let capacity, let steps):
                for step in steps {
                    forecasts.beginRow()
                    forecasts.timestamptz(microsecondsSinceUnixEpoch: issuedAt.microseconds)
                    forecasts.text(f)
                    forecasts.timestamptz(microsecondsSinceUnixEpoch: step.time.microseconds)
                    forecasts.int32(Int32(clamping: step.occupied))
                    forecasts.int32(Int32(clamping: capacity))
                }
            case .alert(let a):
                alerts.beginRow()
                alerts.timestamptz(microsecondsSinceUnixEpoch: a.time.microseconds)
                alerts.text(a.facilityID)
                if let s = a.sensorID { alerts.text(s) } else { alerts.null() }
                alerts.text(a.event.id)
                alerts.text(a.event.type)
                alerts.jsonb(String(decoding: a.event.encoded, as: UTF8.self))
            }
        }
        try tables.write(&history, into: ParkingTables.occupancyHistory)
        try tables.write(&stays, into: ParkingTables.stays)
        try tables.write(&forecasts, into: ParkingTables.forecasts)
        try tables.write(&alerts, into: ParkingTables.alerts)
        try writeCurrent(Array(current.values), to: &tables)
        try writeSensors(Array(sensors.values), to: &tables)
    }

    /// The fold state and summary row of each facility the batch touched.
    public func writeStates(_ states: [String: FacilityState], to tables: inout TableWriter) throws {
        var stateRows = ParkingTables.state.rows(reservingCapacity: states.count * 4096)
        var facilities = ParkingTables.facilities.rows(reservingCapacity: states.count * 128)
        for s in states.values {
            var json = JSONWriter(capacity: 4096)
            s.encode(to: &json)
            stateRows.beginRow()
            stateRows.text(s.facilityID)
            stateRows.jsonb(json.string)
            Self.time(s.clock, &stateRows)

            let total = s.published["facility//"] ?? s.total
            facilities.beginRow()
            facilities.text(s.facilityID)
            if let name = s.name { facilities.text(name) } else { facilities.null() }
            for v in [total.capacity, total.occupied, total.free, total.unknown, s.settings.alertUpPercent, s.settings.alertDownPercent] {
                facilities.int32(Int32(clamping: v))
            }
            facilities.bool(s.aboveThreshold)
            Self.time(s.thresholdChangedAt, &facilities)
            facilities.int32(Int32(clamping: s.offlineSensors))
            Self.time(s.clock, &facilities)
        }
        try tables.write(&stateRows, into: ParkingTables.state)
        try tables.write(&facilities, into: ParkingTables.facilities)
    }

    static func time(_ t: Timestamp?, _ w: inout PGBinaryCopyWriter) {
        if let t { w.timestamptz(microsecondsSinceUnixEpoch: t.microseconds) } else { w.null() }
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

    private func writeCurrent(_ lines: [(String, Timestamp, AreaOccupancy)], to tables: inout TableWriter) throws {
        var w = ParkingTables.occupancyCurrent.rows(reservingCapacity: lines.count * 64)
        for (f, time, o) in lines {
            w.beginRow()
            w.text(f)
            Self.area(o, &w)
            w.timestamptz(microsecondsSinceUnixEpoch: time.microseconds)
        }
        try tables.write(&w, into: ParkingTables.occupancyCurrent)
    }

    private func writeSensors(_ lines: [(String, String, SensorRow)], to tables: inout TableWriter) throws {
        var w = ParkingTables.sensors.rows(reservingCapacity: lines.count * 128)
        func time(_ t: Timestamp?) { Self.time(t, &w) }
        for (f, id, sensor) in lines {
            w.beginRow()
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
        try tables.write(&w, into: ParkingTables.sensors)
    }
}
