import Events

/// What folding one batch produced: its rows and derived events in input order, and the state of every key
/// the batch touched as it is after the batch (what `ProjectionStore.writeStates` stores).
public struct FoldedBatch<State: Sendable, Row: Sendable>: Sendable {
    public var rows: [Row] = []
    public var derived: [DerivedEvent] = []
    public var touched: [String: State] = [:]

    public init() {}
}

extension Projection {
    /// Folds a batch of decoded inputs in order, each into the state of its key, in place on `states`: the
    /// runtime's batch step, and the benchmark's, so that both measure and run the same code.
    public func fold(batch inputs: [(key: String, input: Input)], states: inout [String: State]) -> FoldedBatch<State, Row> {
        var batch = FoldedBatch<State, Row>()
        batch.rows.reserveCapacity(inputs.count * 2)
        for (key, input) in inputs {
            let step = fold(input, key: key, in: &states)
            batch.rows.append(contentsOf: step.rows)
            batch.derived.append(contentsOf: step.derived)
        }
        for (key, _) in inputs where batch.touched[key] == nil { batch.touched[key] = states[key] }
        return batch
    }
}
