import Events
import Hummingbird
import Postgres
import Projections

/// The read endpoint of `motorsport_commentary`: `GET /v1/sessions/{session}/commentary?since=&limit=`, the
/// session's commentary lines, newest last. With `since` (exclusive), the first `limit` lines after it (a
/// client polls with its newest line's time); without, the newest `limit`. `truncated` says more were left out.
public struct CommentaryRoutes: ReadRoutes {
    let pool: PGPool
    let placement: TablePlacement

    static let columns = ResultJSON([
        ("time", .time), ("line_id", .text), ("lap_number", .int), ("driver_number", .int), ("kind", .text),
        ("priority", .text), ("text", .text),
    ])
    static let defaultLimit = 100
    static let maxLimit = 1_000

    public init(pool: PGPool, placement: TablePlacement) {
        self.pool = pool
        self.placement = placement
    }

    public func add<Context: RequestContext>(to router: Router<Context>) {
        router.get("/v1/sessions/:session_id/commentary", use: commentary)
    }

    @Sendable func commentary(_ request: Request, context: some RequestContext) async throws -> Response {
        let session = try IDParameter.path("session_id", context)
        let query = request.uri.queryParameters
        let since = try ListParameters.since(query)
        let limit = try ListParameters.limit(query, default: Self.defaultLimit, range: 1...Self.maxLimit)
        let table = placement[CommentaryTables.lines]
        let list = Self.columns.selectList
        // One row more than asked tells whether the answer was cut short.
        let r: PGResult
        if let since {
            r = try await pool.query(
                "SELECT \(list) FROM \(table) WHERE session_id = $1 AND time > $2 ORDER BY time, line_id LIMIT $3",
                [.text(session), .timestamp(since.microseconds), .int(Int64(limit + 1))])
        } else {
            r = try await pool.query(
                """
                SELECT \(list) FROM (SELECT \(list) FROM \(table) WHERE session_id = $1 ORDER BY time DESC, line_id DESC LIMIT $2) newest
                ORDER BY time, line_id
                """, [.text(session), .int(Int64(limit + 1))])
        }
        if r.rowCount == 0 {
            let known = try await pool.query(
                "SELECT 1 FROM \(placement[CommentaryTables.state]) WHERE session_id = $1", [.text(session)])
            if known.rowCount == 0 { throw QueryError.unknownSession(session) }
        }
        let truncated = r.rowCount > limit
        // Cut where the extra row is: after the newest `limit` with `since`, before them without.
        let rows = since != nil ? 0..<min(r.rowCount, limit) : (truncated ? 1 : 0)..<r.rowCount
        var json = JSONWriter(capacity: 128 + rows.count * 220)
        json.beginObject()
        json.key("session_id"); json.string(session)
        json.key("lines"); json.beginArray()
        for row in rows { try Self.columns.write(row: row, of: r, to: &json) }
        json.endArray()
        json.key("truncated"); json.bool(truncated)
        json.endObject()
        return .json(json)
    }
}
