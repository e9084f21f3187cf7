import Postgres
import Projections

/// The I/O half of a projection: loads the state of keys before a fold and writes the rows a batch produced.
/// Both run inside the processor's batch transaction on its own session.
public protocol ProjectionStore<P>: Sendable {
    associatedtype P: Projection
    var projection: P { get }
    func loadStates(_ keys: [String], session: PGSession) throws -> [String: P.State]
    func write(_ rows: [P.Row], session: PGSession) throws
    /// Writes the states of the keys a batch touched, as they are after its last event (after `write`). For
    /// folds whose state is stored whole: once per key and batch, instead of a state row per event (which
    /// would also make every fold step copy the state it just handed out).
    func writeStates(_ states: [String: P.State], session: PGSession) throws
}

extension ProjectionStore {
    /// Most folds store their state as the rows they write.
    public func writeStates(_ states: [String: P.State], session: PGSession) throws {}
}
