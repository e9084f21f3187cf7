import Events
import Postgres
import Projections

/// The parks projections as stored, in the shape of `ExpectedParks`.
struct ProjectionSnapshot {
    var observations = 0
    var current: [String: ExpectedParks.Current] = [:]
    var baselines: [String: ExpectedParks.Baseline] = [:]
    var schedules = 0
    var crowd: [String: (level: String?, ratio: Double?)] = [:]
    /// Crowd history rows per park, in time order: (level, ratio).
    var crowdHistory: [String: [String]] = [:]

    init(_ s: PGSession, placement: TablePlacement = .live) throws {
        observations = Int(try s.execute("SELECT count(*) FROM \(placement[WaitTimesTables.waitTimes])").int(0, 0) ?? -1)
        let c = try s.execute(
            "SELECT park_id, attraction_id, status, wait_minutes, observed_at, status_changed_at FROM \(placement[WaitTimesTables.attractionCurrent])")
        for r in 0..<c.rowCount {
            current["\(c.string(r, 0)!)/\(c.string(r, 1)!)"] = .init(
                status: c.string(r, 2) ?? "?", wait: try c.int(r, 3).map { Int($0) }, observedAt: try c.timestamp(r, 4) ?? -1,
                statusChangedAt: try c.timestamp(r, 5) ?? -1)
        }
        let b = try s.execute(
            "SELECT park_id, attraction_id, day_of_week, hour, samples, p50_minutes, p90_minutes FROM \(placement[WaitTimesTables.attractionBaselines])")
        for r in 0..<b.rowCount {
            baselines["\(b.string(r, 0)!)/\(b.string(r, 1)!)/\(try b.int(r, 2)!)/\(try b.int(r, 3)!)"] = .init(
                samples: Int(try b.int(r, 4) ?? -1), p50: Int(try b.int(r, 5) ?? -1), p90: Int(try b.int(r, 6) ?? -1))
        }
        schedules = Int(try s.execute("SELECT count(*) FROM \(placement[CrowdTables.parkSchedules])").int(0, 0) ?? -1)
        let k = try s.execute("SELECT park_id, level, ratio FROM \(placement[CrowdTables.parkCrowdCurrent])")
        for r in 0..<k.rowCount { crowd[k.string(r, 0)!] = (k.string(r, 1), try k.double(r, 2)) }
        let h = try s.execute("SELECT park_id, level FROM \(placement[CrowdTables.crowdLevels]) ORDER BY park_id, time")
        for r in 0..<h.rowCount { crowdHistory[h.string(r, 0)!, default: []].append(h.string(r, 1)!) }
    }

    /// Differences from the expectation, one line each (empty when equal).
    func differences(from e: ExpectedParks) -> [String] {
        var out: [String] = []
        if observations != e.observations { out.append("wait_times rows: \(observations), expected \(e.observations)") }
        if schedules != e.schedules { out.append("schedules: \(schedules), expected \(e.schedules)") }
        for key in Set(current.keys).union(e.current.keys) where current[key] != e.current[key] {
            out.append("current \(key): \(current[key].map(\.description) ?? "none"), expected \(e.current[key].map(\.description) ?? "none")")
        }
        for key in Set(baselines.keys).union(e.baselines.keys) where baselines[key] != e.baselines[key] {
            out.append("baseline \(key): \(baselines[key].map(\.description) ?? "none"), expected \(e.baselines[key].map(\.description) ?? "none")")
        }
        for (park, expected) in e.finalCrowd where expected.level != nil {
            let got = crowd[park]
            if got?.level != expected.level || abs((got?.ratio ?? -1) - (expected.ratio ?? -1)) > 1e-9 {
                out.append("crowd \(park): \(String(describing: got)), expected \(expected)")
            }
        }
        return Array(out.prefix(20))
    }
}
