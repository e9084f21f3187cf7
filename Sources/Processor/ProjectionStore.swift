import Postgres
import Projections

/// The I/O half of a projection: loads the state of keys before a fold and writes the rows a batch produced.
/// Both run inside the processor's batch transaction on its own session.
public protocol ProjectionStore<P>: Sendable {
    associatedtype P: Projection
    var projection: P { get }
    func loadStates(_ keys: [String], session: PGSession) throws -> [String: P.State]
    func write(_ rows: [P.Row], session: PGSession) throws
}
