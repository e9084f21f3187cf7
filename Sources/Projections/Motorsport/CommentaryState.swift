import Events

/// What the commentary fold keeps per session: the session fold's own state (it narrates that fold's race
/// events), who drives each car, and how many low-priority lines each recent lap has had. Stored as one JSON
/// document (`commentary_state`), like the session's.
public struct CommentaryState: Sendable, Equatable {
    public var sessionID: String
    public var session: SessionState?
    /// Car number → acronym.
    public var drivers: [Int: String] = [:]
    /// Lap → low-priority lines said about it; only the last `lapsCounted` laps are kept.
    private(set) var lowPriority: [Int: Int] = [:]

    /// Laps whose low-priority counts are kept: a car more laps behind than this is rare, and its lines then
    /// count against a fresh lap.
    static let lapsCounted = 10

    public init(sessionID: String) { self.sessionID = sessionID }

    func lowPriorityLines(onLap lap: Int) -> Int { lowPriority[lap] ?? 0 }

    mutating func countLowPriorityLine(onLap lap: Int) {
        lowPriority[lap, default: 0] += 1
        if lowPriority.count > Self.lapsCounted, let newest = lowPriority.keys.max() {
            lowPriority = lowPriority.filter { $0.key > newest - Self.lapsCounted }
        }
    }

    // MARK: JSON (the state column)

    public func encode(to w: inout JSONWriter) {
        w.beginObject()
        w.key("session_id"); w.string(sessionID)
        w.key("session")
        if let session { session.encode(to: &w) } else { w.null() }
        w.key("drivers"); w.beginArray()
        for (car, acronym) in drivers.sorted(by: { $0.key < $1.key }) {
            w.beginArray(); w.int(car); w.string(acronym); w.endArray()
        }
        w.endArray()
        w.key("low_priority"); w.beginArray()
        for (lap, n) in lowPriority.sorted(by: { $0.key < $1.key }) {
            w.beginArray(); w.int(lap); w.int(n); w.endArray()
        }
        w.endArray()
        w.endObject()
    }

    public init(json: JSONValue) throws(EventValidationError) {
        let r = try FieldReader(json)
        self.init(sessionID: try r.string("session_id"))
        if let s = r.value("session"), !s.isNull { session = try SessionState(json: s) }
        for pair in r.value("drivers")?.arrayValue ?? [] {
            guard let p = pair.arrayValue, p.count == 2, let car = p[0].int64Value, let acronym = p[1].stringValue else { continue }
            drivers[Int(car)] = acronym
        }
        for pair in r.value("low_priority")?.arrayValue ?? [] {
            guard let p = pair.arrayValue, p.count == 2, let lap = p[0].int64Value, let n = p[1].int64Value else { continue }
            lowPriority[Int(lap)] = Int(n)
        }
    }
}
