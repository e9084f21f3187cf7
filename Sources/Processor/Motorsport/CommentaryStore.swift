import Events
import Postgres
import Projections

/// Reads and writes the tables of `CommentaryProjection`.
public struct CommentaryStore: ProjectionStore {
    public let projection: CommentaryProjection
    public let placement: TablePlacement

    public init(projection: CommentaryProjection = CommentaryProjection(), placement: TablePlacement = .live) {
        self.projection = projection
        self.placement = placement
    }

    public func loadStates(_ keys: [String], session: PGSession) throws -> [String: CommentaryState] {
        var states: [String: CommentaryState] = [:]
        guard let r = try StateMirror.rows(of: CommentaryTables.state, keys: keys, placement: placement, session: session) else {
            return states
        }
        for row in 0..<r.rowCount {
            guard let id = try r.string(row, "session_id"), let text = try r.string(row, "state") else { continue }
            states[id] = try CommentaryState(json: try JSONParser.parse(text))
        }
        return states
    }

    /// The lines, then the states the batch left.
    public func write(_ batch: FoldedBatch<CommentaryState, CommentaryRow>, to tables: inout TableWriter) throws {
        var lines = CommentaryTables.lines.rows(reservingCapacity: batch.rows.count * 160)
        for row in batch.rows {
            lines.beginRow()
            lines.timestamptz(microsecondsSinceUnixEpoch: row.time.microseconds)
            lines.text(row.line.sessionID)
            lines.text(row.id)
            lines.int32(Int32(row.line.lapNumber))
            lines.int32(Int32(row.line.driverNumber))
            lines.text(row.line.kind.rawValue)
            lines.text(row.line.priority.rawValue)
            lines.text(row.line.text)
        }
        try tables.write(&lines, into: CommentaryTables.lines)
        var states = CommentaryTables.state.rows(reservingCapacity: batch.touched.count * 8192)
        for s in batch.touched.values {
            var json = JSONWriter(capacity: 8192)
            s.encode(to: &json)
            states.beginRow()
            states.text(s.sessionID)
            states.jsonb(json.string)
            if let t = s.session?.updatedAt { states.timestamptz(microsecondsSinceUnixEpoch: t.microseconds) } else { states.null() }
        }
        try tables.write(&states, into: CommentaryTables.state)
    }
}
