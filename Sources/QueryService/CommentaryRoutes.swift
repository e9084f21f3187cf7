import APIDescription
import Events
import Hummingbird
import Postgres
import Projections

/// The read endpoint of `motorsport_commentary`: `GET /v1/sessions/{session}/commentary?since=&limit=`, the
/// session's commentary lines, newest last. With `since` (exclusive), the first `limit` lines after it (a
/// client polls with its newest line's time); without, the newest `limit`. `truncated` says more were left out.
public struct CommentaryRoutes: ReadRoutes {
    let store: any CommentaryReading

    static let defaultLimit = 100
    static let maxLimit = 1_000

    public init(pool: PGPool, tables: any TableNaming) { store = CommentaryReadStore(pool: pool, placement: tables) }

    init(store: any CommentaryReading) { self.store = store }

    public var operations: [APIOperation] {
        [
            APIOperation(
                "GET", "/v1/sessions/{session_id}/commentary", id: "getSessionCommentary",
                summary: "The session's commentary lines, oldest first: after cursor, else after since, else the newest limit; next_cursor goes on from the last.", tag: "motorsport",
                parameters: [.id("session_id", "The session's id", example: "demo-race"), .cursor, .since, .limit(default: Self.defaultLimit, range: 1...Self.maxLimit)],
                response: .object([
                    ("session_id", .string), ("lines", .array(CommentaryEntry.schema)), ("truncated", .boolean), ("next_cursor", .nullable(.string)),
                ])),
        ]
    }

    public func add<Context: RequestContext>(to router: Router<Context>) {
        router.get("/v1/sessions/:session_id/commentary", use: commentary)
    }

    @Sendable func commentary(_ request: Request, context: some RequestContext) async throws -> Response {
        let session = try IDParameter.path("session_id", context)
        let query = request.uri.queryParameters
        let since = try ListParameters.since(query)
        let cursor = try ListCursor.query(query)
        let limit = try ListParameters.limit(query, default: Self.defaultLimit, range: 1...Self.maxLimit)
        var lines = try await store.lines(session: session, after: cursor, since: since, limit: limit)
        if lines.isEmpty, !(try await store.sessionKnown(session)) { throw QueryError.unknownSession(session) }
        let truncated = lines.count > limit
        // The extra line is past the newest asked for with a cursor or `since`, before the oldest without.
        if truncated {
            if cursor != nil || since != nil { lines.removeLast(lines.count - limit) } else { lines.removeFirst(lines.count - limit) }
        }
        // Where to go on from: the last line given, else where this request started.
        let next = lines.last.map { ListCursor(time: $0.time, key: $0.lineID) } ?? cursor
        return .list(
            idName: "session_id", id: session, key: "lines", lines, bytesPerRow: 220,
            after: { json in
                json.key("truncated"); json.bool(truncated)
                json.key("next_cursor"); json.optional(next?.text)
            }, write: { $0.write(to: &$1) })
    }
}
