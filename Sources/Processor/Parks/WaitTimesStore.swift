import Events
import Postgres
import Projections

/// Reads and writes the tables of `WaitTimesProjection`.
public struct WaitTimesStore: ProjectionStore {
    public let projection: WaitTimesProjection
    public let placement: TablePlacement

    public init(projection: WaitTimesProjection = WaitTimesProjection(), placement: TablePlacement = .live) {
        self.projection = projection
        self.placement = placement
    }

    public func loadStates(_ keys: [String], session: PGSession) throws -> [String: AttractionState] {
        let current = WaitTimesTables.attractionCurrent, baselines = WaitTimesTables.attractionBaselines
        var states: [String: AttractionState] = [:]
        guard let c = try StateMirror.rows(of: current, keys: keys, placement: placement, session: session) else { return states }
        for row in 0..<c.rowCount {
            var s = AttractionState(parkID: try c.string(row, "park_id") ?? "", attractionID: try c.string(row, "attraction_id") ?? "")
            s.attractionName = try c.string(row, "attraction_name")
            s.timeZone = try c.string(row, "time_zone")
            s.waitMinutes = try c.int(row, "wait_minutes").map { Int($0) }
            s.status = try c.string(row, "status").flatMap(AttractionStatus.init(rawValue:))
            s.observedAt = try c.timestamp(row, "observed_at").map(Timestamp.init(microseconds:))
            s.statusSince = try c.timestamp(row, "status_changed_at").map(Timestamp.init(microseconds:))
            s.recentTimes = (PGArrayText.parse(try c.string(row, "recent_times") ?? "{}") ?? []).compactMap { $0.flatMap { Int64($0) } }
            s.publishedBaselineP50 = try c.int(row, "published_baseline_p50").map { Int($0) }
            states[try StateMirror.key(of: row, in: c, table: current)] = s
        }
        guard let b = try StateMirror.rows(of: baselines, keys: Array(states.keys), placement: placement, session: session) else { return states }
        for row in 0..<b.rowCount {
            let key = try StateMirror.key(of: row, in: b, table: baselines)
            guard var s = states[key], let dow = try b.int(row, "day_of_week"), let hour = try b.int(row, "hour") else { continue }
            let values = (PGArrayText.parse(try b.string(row, "wait_values") ?? "{}") ?? []).compactMap { $0.flatMap { Int32($0) } }
            let counts = (PGArrayText.parse(try b.string(row, "wait_counts") ?? "{}") ?? []).compactMap { $0.flatMap { Int32($0) } }
            // day_of_week and hour are in range: the table's CHECK constraints hold them there.
            guard values.count == counts.count else { continue }
            s.baselines[Int(dow) * 24 + Int(hour)] = WaitHistogram(values: values, counts: counts)
            states[key] = s
        }
        return states
    }

    /// Appends the batch's observations, then upserts the current state of every attraction it touched and
    /// each baseline it changed, as the batch left them.
    public func write(_ batch: FoldedBatch<AttractionState, WaitTimesRow>, to tables: inout TableWriter) throws {
        var observations = WaitTimesTables.waitTimes.rows(reservingCapacity: batch.rows.count * 64)
        // Each changed baseline once, with the histogram the batch left.
        var baselines: [(state: AttractionState, slot: BaselineSlot)] = []
        var seen: Set<BaselineSlot> = []
        for row in batch.rows {
            switch row {
            case .observation(let o):
                observations.beginRow()
                observations.timestamptz(microsecondsSinceUnixEpoch: o.time.microseconds)
                observations.text(o.parkID)
                observations.text(o.attractionID)
                if let w = o.waitMinutes { observations.int32(Int32(w)) } else { observations.null() }
                observations.text(o.status.rawValue)
            case .baselineChanged(let slot):
                guard seen.insert(slot).inserted,
                    let state = batch.touched[WaitTimeObserved.partitionKey(parkID: slot.parkID, attractionID: slot.attractionID)]
                else { continue }
                baselines.append((state, slot))
            }
        }
        try tables.write(&observations, into: WaitTimesTables.waitTimes)
        try writeCurrent(batch.touched.values, to: &tables)
        try writeBaselines(baselines, to: &tables)
    }

    private func writeCurrent(_ states: Dictionary<String, AttractionState>.Values, to tables: inout TableWriter) throws {
        var w = WaitTimesTables.attractionCurrent.rows(reservingCapacity: states.count * 200)
        for s in states {
            w.beginRow()
            w.text(s.parkID)
            w.text(s.attractionID)
            if let v = s.attractionName { w.text(v) } else { w.null() }
            if let v = s.timeZone { w.text(v) } else { w.null() }
            if let v = s.waitMinutes { w.int32(Int32(v)) } else { w.null() }
            if let v = s.status { w.text(v.rawValue) } else { w.null() }
            if let v = s.observedAt { w.timestamptz(microsecondsSinceUnixEpoch: v.microseconds) } else { w.null() }
            if let v = s.statusSince { w.timestamptz(microsecondsSinceUnixEpoch: v.microseconds) } else { w.null() }
            w.int64Array(s.recentTimes)
            if let v = s.publishedBaselineP50 { w.int32(Int32(v)) } else { w.null() }
        }
        try tables.write(&w, into: WaitTimesTables.attractionCurrent)
    }

    private func writeBaselines(_ changed: [(state: AttractionState, slot: BaselineSlot)], to tables: inout TableWriter) throws {
        var w = WaitTimesTables.attractionBaselines.rows(reservingCapacity: changed.count * 160)
        for (state, slot) in changed {
            let histogram = state.baselines[slot.index] ?? WaitHistogram()
            w.beginRow()
            w.text(slot.parkID)
            w.text(slot.attractionID)
            w.int16(Int16(slot.dayOfWeek))
            w.int16(Int16(slot.hour))
            w.int64(histogram.total)
            if let v = histogram.percentile(0.5) { w.int32(Int32(v)) } else { w.null() }
            if let v = histogram.percentile(0.9) { w.int32(Int32(v)) } else { w.null() }
            w.int32Array(histogram.values)
            w.int32Array(histogram.counts)
        }
        try tables.write(&w, into: WaitTimesTables.attractionBaselines)
    }
}
