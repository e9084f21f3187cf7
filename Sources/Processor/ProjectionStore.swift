import Postgres
import Projections

/// The I/O half of a projection: loads the state of keys before a fold and writes what a batch folded. Both
/// run inside the processor's batch transaction on its own session.
public protocol ProjectionStore<P>: Sendable {
    associatedtype P: Projection
    var projection: P { get }
    /// Where its tables are (the live set, or a rebuild's beside it).
    var placement: TablePlacement { get }
    func loadStates(_ keys: [String], session: PGSession) throws -> [String: P.State]
    /// Writes a batch's rows and, for folds whose state is (partly) stored whole, the states of the keys it
    /// touched as they are after its last event: once per key and batch, instead of a state row per event
    /// (which would also make every fold step copy the state it just handed out). One write per table.
    func write(_ batch: FoldedBatch<P.State, P.Row>, to tables: inout TableWriter) throws
}
