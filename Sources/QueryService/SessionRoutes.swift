import APIDescription
import Events
import Hummingbird
import Postgres
import Projections

/// The read endpoints of `motorsport_session`: a session's leaderboard, one driver's laps, the fastest laps,
/// stints and race events.
///
/// Table names come from the projections' declarations under a placement; request values travel as statement parameters.
public struct SessionRoutes: ReadRoutes {
    let store: any SessionReading

    public init(pool: PGPool, tables: any TableNaming) { store = SessionReadStore(pool: pool, placement: tables) }

    init(store: any SessionReading) { self.store = store }

    static let maxFastestLaps = 100
    static let maxEvents = 1_000
    static let maxLaps = 1_000

    /// `{driver_number}`: a car number.
    static let driverParameter = APIParameter(
        "driver_number", in: .path, required: true, schema: .integer(minimum: 1, maximum: 99), "The car's number, 1 to 99.",
        example: "1")

    public var operations: [APIOperation] {
        let session = APIParameter.id("session_id", "The session's id", example: "demo-race")
        return [
            APIOperation(
                "GET", "/v1/sessions", id: "listSessions",
                summary: "Every session with a leaderboard, by id: its cars, laps and leader; next_cursor pages on.",
                tag: "motorsport", parameters: IDPage.parameters, response: IDPage.schema(key: "sessions", row: SessionLine.schema)),
            APIOperation(
                "GET", "/v1/sessions/{session_id}/leaderboard", id: "getLeaderboard",
                summary: "The session's leaderboard: positions, gaps, laps, tyres, and the best sector times.", tag: "motorsport",
                parameters: [session],
                response: .object([("session_id", .string), ("best_sectors", .array(BestSector.schema)), ("drivers", .array(LeaderboardLine.schema))])),
            APIOperation(
                "GET", "/v1/sessions/{session_id}/drivers/{driver_number}/laps", id: "getDriverLaps",
                summary: "One car's laps by number, after cursor; next_cursor goes on from the last.",
                tag: "motorsport", parameters: [session, Self.driverParameter, .cursor, .limit(default: Self.maxLaps, range: 1...Self.maxLaps)],
                response: .object([
                    ("session_id", .string), ("driver_number", .integer(minimum: 1, maximum: 99)), ("laps", .array(LapLine.schema)),
                    ("truncated", .boolean), ("next_cursor", .nullable(.string)),
                ])),
            APIOperation(
                "GET", "/v1/sessions/{session_id}/fastest-laps", id: "getFastestLaps", summary: "The session's fastest laps.",
                tag: "motorsport", parameters: [session, .limit(default: 10, range: 1...Self.maxFastestLaps)],
                response: .object([("session_id", .string), ("laps", .array(LapLine.fastestSchema))])),
            APIOperation(
                "GET", "/v1/sessions/{session_id}/stints", id: "getStints", summary: "Every car's stints, with tyre degradation fits.",
                tag: "motorsport", parameters: [session],
                response: .object([("session_id", .string), ("stints", .array(StintLine.schema))])),
            APIOperation(
                "GET", "/v1/sessions/{session_id}/events", id: "getRaceEvents",
                summary: "Race events (overtakes, pit stops, fastest laps, …) as derived events, oldest first: after cursor, else after since; next_cursor goes on from the last.",
                tag: "motorsport", parameters: [session, .cursor, .since, .limit(default: Self.maxEvents, range: 1...Self.maxEvents)],
                response: .object([("session_id", .string), ("events", .array(.any)), ("truncated", .boolean), ("next_cursor", .nullable(.string))])),
        ]
    }

    public func add<Context: RequestContext>(to router: Router<Context>) {
        router.get("/v1/sessions", use: sessions)
        router.group("/v1/sessions/:session_id")
            .get("leaderboard", use: leaderboard)
            .get("drivers/:driver_number/laps", use: laps)
            .get("fastest-laps", use: fastestLaps)
            .get("stints", use: stints)
            .get("events", use: events)
    }

    @Sendable func sessions(_ request: Request, context: some RequestContext) async throws -> Response {
        let page = try IDPage(query: request.uri.queryParameters)
        return page.answer(key: "sessions", try await store.sessions(page), id: \.sessionID, bytesPerRow: 120) { $0.write(to: &$1) }
    }

    /// Race events since a time (exclusive), oldest first: what a dashboard polls for.
    @Sendable func events(_ request: Request, context: some RequestContext) async throws -> Response {
        let session = try IDParameter.path("session_id", context)
        let query = request.uri.queryParameters
        let since = try ListParameters.since(query)
        let cursor = try ListCursor.query(query)
        let limit = try ListParameters.limit(query, default: Self.maxEvents, range: 1...Self.maxEvents)
        // One more than asked says whether more follow.
        var events = try await store.raceEvents(session: session, after: cursor, since: since, limit: limit + 1)
        if events.isEmpty { try await requireSession(session) }
        let truncated = events.count > limit
        if truncated { events.removeLast(events.count - limit) }
        // Where to go on from: the last event given, else where this request started.
        let next = events.last?.position ?? cursor
        return .list(
            idName: "session_id", id: session, key: "events", events, bytesPerRow: 400,
            after: { json in
                json.key("truncated"); json.bool(truncated)
                json.key("next_cursor"); json.optional(next?.text)
            },
            write: { event, json in json.raw(Array(event.json.utf8)) })
    }

    @Sendable func stints(_ request: Request, context: some RequestContext) async throws -> Response {
        let session = try IDParameter.path("session_id", context)
        let stints = try await store.stints(session: session)
        guard !stints.isEmpty else { throw QueryError.unknownSession(session) }
        return .list(idName: "session_id", id: session, key: "stints", stints, bytesPerRow: 260) { $0.write(to: &$1) }
    }

    @Sendable func leaderboard(_ request: Request, context: some RequestContext) async throws -> Response {
        let session = try IDParameter.path("session_id", context)
        let lines = try await store.leaderboard(session: session)
        guard !lines.isEmpty else { throw QueryError.unknownSession(session) }
        let best = try await store.bestSectors(session: session)
        return .list(
            idName: "session_id", id: session, key: "drivers", lines, bytesPerRow: 420,
            extra: { json in
                json.key("best_sectors"); json.beginArray()
                for sector in best { sector.write(to: &json) }
                json.endArray()
            }, write: { $0.write(to: &$1) })
    }

    @Sendable func laps(_ request: Request, context: some RequestContext) async throws -> Response {
        let session = try IDParameter.path("session_id", context)
        let driver = try IDParameter.driverNumber(context)
        let query = request.uri.queryParameters
        let cursor = try ListCursor.query(query)
        // A lap's place: its number (the cursor's key) and its time.
        var after: (lap: Int64, time: Timestamp)?
        if let cursor {
            guard let lap = Int64(cursor.key) else {
                throw QueryError.invalidParameter("cursor", "'cursor' is not one this list gave: pass an answer's next_cursor back as it is")
            }
            after = (lap, cursor.time)
        }
        let limit = try ListParameters.limit(query, default: Self.maxLaps, range: 1...Self.maxLaps)
        var laps = try await store.laps(session: session, driver: driver, after: after, limit: limit + 1)
        if laps.isEmpty, cursor == nil {
            try await requireSession(session)
            throw QueryError.notFound("no laps of car \(driver) in session '\(session)'", field: "driver_number")
        }
        let truncated = laps.count > limit
        if truncated { laps.removeLast(laps.count - limit) }
        let next = laps.last.map { ListCursor(time: $0.time, key: String($0.lapNumber)) } ?? cursor
        return .list(
            idName: "session_id", id: session, key: "laps", laps, bytesPerRow: 300,
            extra: { json in json.key("driver_number"); json.int(driver) },
            after: { json in
                json.key("truncated"); json.bool(truncated)
                json.key("next_cursor"); json.optional(next?.text)
            }, write: { $0.write(to: &$1) })
    }

    @Sendable func fastestLaps(_ request: Request, context: some RequestContext) async throws -> Response {
        let session = try IDParameter.path("session_id", context)
        let limit = try ListParameters.limit(request.uri.queryParameters, default: 10, range: 1...Self.maxFastestLaps)
        let laps = try await store.fastestLaps(session: session, limit: limit)
        if laps.isEmpty { try await requireSession(session) }
        return .list(idName: "session_id", id: session, key: "laps", laps, bytesPerRow: 160) { $0.writeFastest(to: &$1) }
    }

    /// 404 unless the session has a leaderboard (an empty answer for a known session is just empty).
    func requireSession(_ session: String) async throws {
        if !(try await store.sessionKnown(session)) { throw QueryError.unknownSession(session) }
    }
}
