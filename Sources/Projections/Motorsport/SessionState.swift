import Events

/// What the session fold keeps per session: every car, and the session's bests. Stored as JSON in the
/// `session_state` table so a restarted processor folds on identically.
public struct SessionState: Sendable, Equatable {
    public var sessionID: String
    public var drivers: [Int: DriverStanding] = [:]
    public var fastestLap: (driver: Int, lap: Int, duration: Double)? {
        get { fastestLapDriver.map { ($0, fastestLapNumber ?? 0, fastestLapDuration ?? 0) } }
        set {
            fastestLapDriver = newValue?.driver
            fastestLapNumber = newValue?.lap
            fastestLapDuration = newValue?.duration
        }
    }
    var fastestLapDriver: Int?
    var fastestLapNumber: Int?
    var fastestLapDuration: Double?
    /// Overall best sector times (seconds) and who set them.
    public var bestSectors: [Double?] = [nil, nil, nil]
    public var bestSectorDrivers: [Int?] = [nil, nil, nil]
    public var updatedAt: Timestamp?

    public init(sessionID: String) { self.sessionID = sessionID }

    public static func == (a: SessionState, b: SessionState) -> Bool {
        a.sessionID == b.sessionID && a.drivers == b.drivers && a.fastestLapDriver == b.fastestLapDriver
            && a.fastestLapNumber == b.fastestLapNumber && a.fastestLapDuration == b.fastestLapDuration
            && a.bestSectors == b.bestSectors && a.bestSectorDrivers == b.bestSectorDrivers && a.updatedAt == b.updatedAt
    }

    /// Drivers in classification order: running cars before retired ones, more laps first, then who
    /// completed their last lap earlier; cars not told apart by that (none has crossed the line yet) keep
    /// their order so far (the grid), then car number.
    public var classification: [DriverStanding] {
        drivers.values.sorted { a, b in
            if a.retired != b.retired { return !a.retired }
            if a.lapsCompleted != b.lapsCompleted { return a.lapsCompleted > b.lapsCompleted }
            let ta = a.lastCrossing ?? .max, tb = b.lastCrossing ?? .max
            if ta != tb { return ta < tb }
            let pa = a.position ?? .max, pb = b.position ?? .max
            if pa != pb { return pa < pb }
            return a.driverNumber < b.driverNumber
        }
    }

    // MARK: JSON (the fold state column)

    public func encode(to w: inout JSONWriter) {
        func doubles(_ values: [Double?]) { w.beginArray(); for v in values { w.optional(v) }; w.endArray() }
        w.beginObject()
        w.key("session_id"); w.string(sessionID)
        w.key("fastest_lap"); w.beginArray(); w.optional(fastestLapDriver); w.optional(fastestLapNumber); w.optional(fastestLapDuration); w.endArray()
        w.key("best_sectors"); doubles(bestSectors)
        w.key("best_sector_drivers"); w.beginArray(); for d in bestSectorDrivers { w.optional(d) }; w.endArray()
        w.key("updated_at"); w.optional(updatedAt)
        w.key("drivers"); w.beginArray()
        for d in drivers.values.sorted(by: { $0.driverNumber < $1.driverNumber }) {
            w.beginObject()
            w.key("n"); w.int(d.driverNumber)
            w.key("laps"); w.int(d.lapsCompleted)
            w.key("ends"); w.beginArray()
            for lap in d.lapEnds.keys.sorted() { w.beginArray(); w.int(lap); w.int(d.lapEnds[lap]!); w.endArray() }
            w.endArray()
            w.key("last"); w.optional(d.lastLap)
            w.key("best"); w.optional(d.bestLap)
            w.key("best_lap"); w.optional(d.bestLapNumber)
            w.key("sectors"); doubles(d.bestSectors)
            w.key("compound"); w.optional(d.compound?.rawValue)
            w.key("stint"); w.int(d.stintNumber)
            w.key("stint_start"); w.int(d.stintLapStart)
            w.key("tyre_age_at_start"); w.int(d.tyreAgeAtStart)
            w.key("pits"); w.beginArray(); for p in d.pitLaps { w.int(p) }; w.endArray()
            w.key("stint_laps"); w.beginArray()
            for l in d.stintLaps { w.beginArray(); w.int(l.lap); w.int(l.age); w.double(l.seconds); w.endArray() }
            w.endArray()
            w.key("retired"); w.bool(d.retired)
            w.key("position"); w.optional(d.position)
            w.key("gap"); w.optional(d.gapToLeader)
            w.key("interval"); w.optional(d.interval)
            w.key("laps_behind"); w.optional(d.lapsBehindLeader)
            w.endObject()
        }
        w.endArray()
        w.endObject()
    }

    public init(json: JSONValue) throws(EventValidationError) {
        let r = try FieldReader(json)
        self.init(sessionID: try r.string("session_id"))
        func optionals(_ key: String) -> [JSONValue] { r.value(key)?.arrayValue ?? [] }
        let fastest = optionals("fastest_lap")
        if fastest.count == 3 {
            fastestLapDriver = fastest[0].int64Value.map { Int($0) }
            fastestLapNumber = fastest[1].int64Value.map { Int($0) }
            fastestLapDuration = fastest[2].doubleValue
        }
        bestSectors = Self.sectors(optionals("best_sectors").map(\.doubleValue))
        bestSectorDrivers = Self.sectors(optionals("best_sector_drivers").map { $0.int64Value.map { Int($0) } })
        updatedAt = try r.optionalTimestamp("updated_at")
        for (i, value) in optionals("drivers").enumerated() {
            let d = try FieldReader(value, path: "drivers[\(i)]")
            var s = DriverStanding(driverNumber: Int(try d.int("n")))
            s.lapsCompleted = Int(try d.int("laps"))
            for pair in d.value("ends")?.arrayValue ?? [] {
                guard let p = pair.arrayValue, p.count == 2, let lap = p[0].int64Value, let end = p[1].int64Value else { continue }
                s.lapEnds[Int(lap)] = end
            }
            s.lastLap = try d.optionalDouble("last")
            s.bestLap = try d.optionalDouble("best")
            s.bestLapNumber = try d.optionalInt("best_lap").map { Int($0) }
            s.bestSectors = Self.sectors((d.value("sectors")?.arrayValue ?? []).map(\.doubleValue))
            s.compound = try d.optionalString("compound").flatMap(TyreCompound.init(rawValue:))
            s.stintNumber = Int(try d.int("stint"))
            s.stintLapStart = Int(try d.int("stint_start"))
            s.tyreAgeAtStart = Int(try d.int("tyre_age_at_start"))
            s.pitLaps = (d.value("pits")?.arrayValue ?? []).compactMap { $0.int64Value.map { Int($0) } }
            s.stintLaps = (d.value("stint_laps")?.arrayValue ?? []).compactMap { v in
                guard let a = v.arrayValue, a.count == 3, let lap = a[0].int64Value, let age = a[1].int64Value,
                    let seconds = a[2].doubleValue
                else { return nil }
                return DriverStanding.StintLap(lap: Int(lap), age: Int(age), seconds: seconds)
            }
            s.retired = try d.bool("retired")
            s.position = try d.optionalInt("position").map { Int($0) }
            s.gapToLeader = try d.optionalDouble("gap")
            s.interval = try d.optionalDouble("interval")
            s.lapsBehindLeader = try d.optionalInt("laps_behind").map { Int($0) }
            drivers[s.driverNumber] = s
        }
    }

    private static func sectors<T>(_ values: [T?]) -> [T?] {
        (0..<3).map { $0 < values.count ? values[$0] : nil }
    }
}
