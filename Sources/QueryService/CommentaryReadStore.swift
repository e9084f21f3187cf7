import Events
import Postgres
import Projections

/// `CommentaryReading` over the commentary tables at a placement.
struct CommentaryReadStore: CommentaryReading {
    let pool: PGPool
    let placement: any TableNaming

    private static let columns = "time, line_id, lap_number, driver_number, kind, priority, text"

    func lines(session: String, after: ListCursor?, since: Timestamp?, limit: Int) async throws -> [CommentaryEntry] {
        let table = placement[CommentaryTables.lines], list = Self.columns
        let r: PGResult
        if let after {
            r = try await pool.query(
                "SELECT \(list) FROM \(table) WHERE session_id = $1 AND (time, line_id) > ($2, $3) ORDER BY time, line_id LIMIT $4",
                [.text(session), .timestamp(after.time.microseconds), .text(after.key), .int(Int64(limit + 1))])
        } else if let since {
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
        return try (0..<r.rowCount).map { i throws(PGError) in
            CommentaryEntry(
                time: Timestamp(microseconds: try r.timestamp(i, 0) ?? 0), lineID: r.string(i, 1) ?? "",
                lapNumber: try r.int(i, 2) ?? 0, driverNumber: try r.int(i, 3) ?? 0, kind: r.string(i, 4) ?? "",
                priority: r.string(i, 5) ?? "", text: r.string(i, 6) ?? "")
        }
    }

    func sessionKnown(_ session: String) async throws -> Bool {
        try await pool.query("SELECT 1 FROM \(placement[CommentaryTables.state]) WHERE session_id = $1", [.text(session)]).rowCount > 0
    }
}
