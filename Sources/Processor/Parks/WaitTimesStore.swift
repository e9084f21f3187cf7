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
        guard !keys.isEmpty else { return [:] }
        var parks: [String?] = [], attractions: [String?] = []
        for key in keys {
            guard let slash = key.firstIndex(of: "/") else { continue }
            parks.append(String(key[..<slash]))
            attractions.append(String(key[key.index(after: slash)...]))
        }
        var states: [String: AttractionState] = [:]
        let current = try session.execute(
            """
            SELECT c.park_id, c.attraction_id, attraction_name, time_zone, wait_minutes, status, observed_at,
                   status_changed_at, recent_times::text, published_baseline_p50
            FROM \(placement[WaitTimesTables.attractionCurrent]) c
            JOIN unnest($1::text[], $2::text[]) AS k(park_id, attraction_id) USING (park_id, attraction_id)
            """, [.textArray(parks), .textArray(attractions)])
        for row in 0..<current.rowCount {
            let park = current.string(row, 0) ?? "", attraction = current.string(row, 1) ?? ""
            var s = AttractionState(parkID: park, attractionID: attraction)
            s.attractionName = current.string(row, 2)
            s.timeZone = current.string(row, 3)
            s.waitMinutes = try current.int(row, 4).map { Int($0) }
            s.status = current.string(row, 5).flatMap(AttractionStatus.init(rawValue:))
            s.observedAt = try current.timestamp(row, 6).map(Timestamp.init(microseconds:))
            s.statusSince = try current.timestamp(row, 7).map(Timestamp.init(microseconds:))
            s.recentTimes = (PGArrayText.parse(current.string(row, 8) ?? "{}") ?? []).compactMap { $0.flatMap { Int64($0) } }
            s.publishedBaselineP50 = try current.int(row, 9).map { Int($0) }
            states["\(park)/\(attraction)"] = s
        }
        let baselines = try session.execute(
            """
            SELECT b.park_id, b.attraction_id, day_of_week, hour, wait_values::text, wait_counts::text
            FROM \(placement[WaitTimesTables.attractionBaselines]) b
            JOIN unnest($1::text[], $2::text[]) AS k(park_id, attraction_id) USING (park_id, attraction_id)
            """, [.textArray(parks), .textArray(attractions)])
        for row in 0..<baselines.rowCount {
            let key = "\(baselines.string(row, 0) ?? "")/\(baselines.string(row, 1) ?? "")"
            guard var s = states[key], let dow = try baselines.int(row, 2), let hour = try baselines.int(row, 3) else { continue }
            let values = (PGArrayText.parse(baselines.string(row, 4) ?? "{}") ?? []).compactMap { $0.flatMap { Int32($0) } }
            let counts = (PGArrayText.parse(baselines.string(row, 5) ?? "{}") ?? []).compactMap { $0.flatMap { Int32($0) } }
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
