import Events
import Postgres
import Projections

/// Reads and writes the table of `ParkContextProjection`.
public struct ParkContextStore: ProjectionStore {
    public let projection: ParkContextProjection
    public let placement: TablePlacement

    public init(projection: ParkContextProjection = ParkContextProjection(), placement: TablePlacement = .live) {
        self.projection = projection
        self.placement = placement
    }

    public func loadStates(_ keys: [String], session: PGSession) throws -> [String: ParkContextState] {
        var states: [String: ParkContextState] = [:]
        guard let r = try StateMirror.rows(of: ParkContextTables.state, keys: keys, placement: placement, session: session) else {
            return states
        }
        for row in 0..<r.rowCount {
            guard let park = try r.string(row, "park_id"), let text = try r.string(row, "state") else { continue }
            states[park] = try ParkContextState(parkID: park, json: try JSONParser.parse(text))
        }
        return states
    }

    public func write(_ batch: FoldedBatch<ParkContextState, Never>, to tables: inout TableWriter) throws {
        var states = ParkContextTables.state.rows(reservingCapacity: batch.touched.count * 2048)
        for s in batch.touched.values {
            var json = JSONWriter(capacity: 2048)
            s.encode(to: &json)
            states.beginRow()
            states.text(s.parkID)
            states.jsonb(json.string)
        }
        try tables.write(&states, into: ParkContextTables.state)
    }
}
