import Events
import Foundation

/// Reads OpenF1 API responses (`api.openf1.org/v1/{laps,pit,stints,position,intervals,car_data,drivers}`): JSON
/// arrays of flat objects.
///
/// Quirks handled (all seen in real sessions):
/// - `lap_duration`, `date_start` and sector durations are null on some laps (the first lap, red flags); a
///   missing value stays missing. A lap's event time is when it ended: `date_start + lap_duration`, else the
///   start of the driver's next lap, else its own start; a lap with none of these is skipped with the reason.
/// - `segments_sector_*` arrays hold nulls and vary in length: not used.
/// - Two pit schemas: `pit_duration` only (older), or with `lane_duration` / `stop_duration`; any may be null.
/// - Intervals are numbers, `"+1 LAP"` strings for lapped cars, or empty strings before the start.
/// - Stints carry no time: their event time is the ingest time.
/// - Dates are RFC 3339 strings, or epoch milliseconds in dumps of OpenF1's own database.
/// - Drivers carry no time either (ingest time); `team_colour` comes with or without `#`, in either case, or
///   null; acronyms and names are null for some reserve drivers in older sessions: such an entry is skipped,
///   and the car is then named by its number.
public struct OpenF1Adapter: Sendable {
    public enum Endpoint: String, Sendable, CaseIterable {
        case laps, pit, stints, position, intervals
        case carData = "car-data"
        case drivers
    }

    public static let source = "openf1"
    public var endpoint: Endpoint

    public init(_ endpoint: Endpoint) { self.endpoint = endpoint }

    public var format: String { "openf1-\(endpoint.rawValue)" }

    public func read(_ json: JSONValue, ingestTime: Timestamp) throws(FeedFormatError) -> FeedBatch {
        guard let array = json.arrayValue else {
            throw FeedFormatError(format: format, reason: "expected a JSON array (an OpenF1 API response)")
        }
        let items = array.map(Self.unwrapExtendedNumbers)
        var batch = FeedBatch()
        switch endpoint {
        case .laps: readLaps(items, ingestTime: ingestTime, into: &batch)
        default:
            for (index, item) in items.enumerated() {
                do {
                    if let e = try event(item, ingestTime: ingestTime) { batch.events.append(e) }
                } catch {
                    batch.skipped.append("item \(index + 1): \(error)")
                }
            }
        }
        return batch
    }

    // MARK: Endpoints

    private func event(_ item: JSONValue, ingestTime: Timestamp) throws(EventValidationError) -> EventEnvelope? {
        let r = try FieldReader(item)
        let session = try r.identifier("session_key")
        let driver = try r.int("driver_number", in: 1...99)
        switch endpoint {
        case .pit:
            let lap = try r.int("lap_number", in: 1...1_000)
            let time = try Self.date(r, "date")
            // Newer schema: lane_duration; older: pit_duration is the lane time.
            var lane = try r.optionalDouble("lane_duration")
            if lane == nil { lane = try r.optionalDouble("pit_duration") }
            let payload = PitStopReported(
                sessionID: session, driverNumber: driver, lapNumber: lap, laneDuration: lane.flatMap { $0 > 0 ? $0 : nil },
                stopDuration: try r.optionalDouble("stop_duration").flatMap { $0 > 0 ? $0 : nil })
            return envelope(payload, idParts: [session, String(driver), "pit", String(lap)], time: time, ingestTime: ingestTime)
        case .stints:
            let stint = try r.int("stint_number", in: 1...100)
            let compound = try r.optionalString("compound").flatMap { TyreCompound(rawValue: $0.uppercased()) } ?? .unknown
            let payload = StintReported(
                sessionID: session, driverNumber: driver, stintNumber: stint, compound: compound,
                lapStart: try r.optionalInt("lap_start", in: 1...1_000) ?? 1, lapEnd: try r.optionalInt("lap_end", in: 1...1_000),
                tyreAgeAtStart: try r.optionalInt("tyre_age_at_start", in: 0...200) ?? 0)
            let lapEnd = payload.lapEnd.map(String.init) ?? "-"
            return envelope(
                payload, idParts: [session, String(driver), "stint", String(stint), lapEnd, compound.rawValue],
                time: ingestTime, ingestTime: ingestTime)
        case .position:
            let time = try Self.date(r, "date")
            let payload = PositionReported(sessionID: session, driverNumber: driver, position: try r.int("position", in: 1...99))
            return envelope(payload, idParts: [session, String(driver), "position", String(time.microseconds)], time: time, ingestTime: ingestTime)
        case .intervals:
            let time = try Self.date(r, "date")
            let (gap, lapsDown) = try Self.gap(r, "gap_to_leader")
            let (interval, _) = try Self.gap(r, "interval")
            let payload = IntervalReported(
                sessionID: session, driverNumber: driver, gapToLeader: gap, interval: interval, lapsBehindLeader: lapsDown)
            return envelope(payload, idParts: [session, String(driver), "interval", String(time.microseconds)], time: time, ingestTime: ingestTime)
        case .carData:
            let time = try Self.date(r, "date")
            let payload = CarSample(
                sessionID: session, driverNumber: driver, speed: try r.int("speed", in: 0...500),
                throttle: try r.int("throttle", in: 0...110), brake: try r.int("brake", in: 0...100),
                gear: try r.int("n_gear", in: 0...9), rpm: try r.int("rpm", in: 0...25_000),
                drs: try r.optionalInt("drs", in: 0...15) ?? 0)
            return envelope(payload, idParts: [session, String(driver), "car", String(time.microseconds)], time: time, ingestTime: ingestTime)
        case .drivers:
            guard let acronym = try r.optionalString("name_acronym", maxBytes: DriverIdentified.maxAcronymLength), !acronym.isEmpty else {
                throw EventValidationError(field: "name_acronym", reason: "no acronym for car \(driver): skipped (the car is named by its number)")
            }
            var colour = try r.optionalString("team_colour", maxBytes: 7)?.uppercased()
            if colour?.hasPrefix("#") == true { colour?.removeFirst() }
            if colour?.isEmpty == true { colour = nil }
            let payload = DriverIdentified(
                sessionID: session, driverNumber: driver, nameAcronym: acronym.uppercased(),
                broadcastName: try r.optionalString("broadcast_name", maxBytes: 100),
                fullName: try r.optionalString("full_name", maxBytes: 100), teamName: try r.optionalString("team_name", maxBytes: 100),
                teamColour: colour)
            // Re-validated as the event it becomes (acronym letters, colour digits).
            _ = try EventEnvelope(payload, source: Self.source, eventTime: ingestTime).decode(DriverIdentified.self)
            return envelope(
                payload, idParts: [session, String(driver), "driver", payload.nameAcronym, payload.teamName ?? "", colour ?? ""],
                time: ingestTime, ingestTime: ingestTime)
        case .laps:
            return nil
        }
    }

    private func readLaps(_ items: [JSONValue], ingestTime: Timestamp, into batch: inout FeedBatch) {
        struct Lap {
            var index: Int
            var payload: LapCompleted
        }
        var laps: [Lap] = []
        for (index, item) in items.enumerated() {
            do {
                let r = try FieldReader(item)
                func duration(_ key: String) throws(EventValidationError) -> Double? {
                    try r.optionalDouble(key).flatMap { $0 > 0 ? $0 : nil }
                }
                let payload = LapCompleted(
                    sessionID: try r.identifier("session_key"), driverNumber: try r.int("driver_number", in: 1...99),
                    lapNumber: try r.int("lap_number", in: 1...1_000), lapDuration: try duration("lap_duration"),
                    sector1: try duration("duration_sector_1"), sector2: try duration("duration_sector_2"),
                    sector3: try duration("duration_sector_3"), isPitOutLap: try r.optionalBool("is_pit_out_lap") ?? false,
                    intermediate1Speed: try r.optionalInt("i1_speed", in: 0...500),
                    intermediate2Speed: try r.optionalInt("i2_speed", in: 0...500),
                    speedTrap: try r.optionalInt("st_speed", in: 0...500),
                    startedAt: r.value("date_start").map { !$0.isNull } ?? false ? try Self.date(r, "date_start") : nil)
                laps.append(Lap(index: index, payload: payload))
            } catch {
                batch.skipped.append("item \(index + 1): \(error)")
            }
        }
        // Start of each driver's laps, to date laps whose own start or duration is missing.
        var starts: [String: Timestamp] = [:]
        func key(_ p: LapCompleted, lap: Int) -> String { "\(p.sessionID)/\(p.driverNumber)/\(lap)" }
        for lap in laps { if let s = lap.payload.startedAt { starts[key(lap.payload, lap: lap.payload.lapNumber)] = s } }
        // Feed times are rounded independently: a lap dated by its own start can come out a few ms before the
        // end of the lap before it. A lap never ends before its predecessor.
        var previousEnd: [String: Timestamp] = [:]
        for lap in laps.sorted(by: { ($0.payload.lapNumber, $0.index) < ($1.payload.lapNumber, $1.index) }) {
            let p = lap.payload
            let driver = "\(p.sessionID)/\(p.driverNumber)"
            var end: Timestamp?
            if let start = p.startedAt, let d = p.lapDuration {
                end = start.adding(microseconds: Int64((d * 1e6).rounded()))
            } else {
                end = starts[key(p, lap: p.lapNumber + 1)] ?? p.startedAt
            }
            if let e = end, let before = previousEnd[driver], e < before { end = before }
            if let end { previousEnd[driver] = end }
            guard let end else {
                batch.skipped.append(
                    "item \(lap.index + 1): lap \(p.lapNumber) of driver \(p.driverNumber) has no date_start, no lap_duration and no next lap to date it")
                continue
            }
            batch.events.append(
                envelope(p, idParts: [p.sessionID, String(p.driverNumber), "lap", String(p.lapNumber)], time: end, ingestTime: ingestTime))
        }
    }

    // MARK: Helpers

    /// Dumps of OpenF1's database write numbers as MongoDB extended JSON (`{"$numberDouble": "35.704"}`);
    /// read them as the numbers they are.
    static func unwrapExtendedNumbers(_ item: JSONValue) -> JSONValue {
        guard case .object(let members) = item else { return item }
        return .object(members.map { name, value in
            guard case .object(let inner) = value, inner.count == 1, let text = inner[0].1.stringValue else { return (name, value) }
            switch inner[0].0 {
            case "$numberDouble", "$numberDecimal": return (name, Double(text).map(JSONValue.double) ?? value)
            case "$numberInt", "$numberLong": return (name, Int64(text).map(JSONValue.int) ?? value)
            default: return (name, value)
            }
        })
    }

    private func envelope<P: EventPayload>(_ payload: P, idParts: [String], time: Timestamp, ingestTime: Timestamp) -> EventEnvelope {
        // The same reading re-read (a re-polled API, a re-imported file) gets the same id.
        EventEnvelope(
            payload, id: EventID.derived([Self.source] + idParts), source: Self.source, eventTime: time, ingestTime: ingestTime)
    }

    /// An RFC 3339 string, or epoch milliseconds (OpenF1's database dumps).
    static func date(_ r: FieldReader, _ key: String) throws(EventValidationError) -> Timestamp {
        if let ms = r.value(key)?.int64Value { return Timestamp(milliseconds: ms) }
        return try r.timestamp(key)
    }

    /// A gap in seconds, a `"+N LAP(S)"` string (→ laps down), or empty/null (→ unknown).
    static func gap(_ r: FieldReader, _ key: String) throws(EventValidationError) -> (seconds: Double?, laps: Int?) {
        guard let v = r.value(key), !v.isNull else { return (nil, nil) }
        if let d = v.doubleValue {
            guard d >= 0, d < 36_000 else {
                throw EventValidationError(field: r.fieldPath(key), reason: "\(d) is not a gap in seconds")
            }
            return (d, nil)
        }
        guard let text = v.stringValue else {
            throw EventValidationError(field: r.fieldPath(key), reason: "expected seconds or \"+N LAP\", got \(v.typeName)")
        }
        let trimmed = text.trimmingCharacters(in: .whitespaces).uppercased()
        if trimmed.isEmpty { return (nil, nil) }
        if trimmed.hasPrefix("+"), trimmed.hasSuffix("LAP") || trimmed.hasSuffix("LAPS"),
            let n = Int(trimmed.dropFirst().prefix { $0.isNumber })
        {
            return (nil, n)
        }
        if let d = Double(trimmed), d >= 0 { return (d, nil) }
        throw EventValidationError(field: r.fieldPath(key), reason: "'\(text)' is neither seconds nor \"+N LAP\"")
    }
}
