import Events

/// What folding one batch produced: its rows and derived events in input order, and the state of every key
/// the batch touched as it is after the batch (what a store writes where a table mirrors fold state).
public struct FoldedBatch<State: Sendable, Row: Sendable>: Sendable {
    public var rows: [Row] = []
    public var derived: [DerivedEvent] = []
    public var touched: [String: State] = [:]

    public init() {}
}

extension Projection {
    @inlinable
    public func fold(batch inputs: [(key: String, input: Input)], states: inout [String: State]) -> FoldedBatch<State, Row> {
        foldInOrder(batch: inputs, states: &states) { fold(&$0, $1, rows: &$2, derived: &$3) }
    }

    /// Steps through a batch in order with `step` (a fold step on a key's state slot), each input into the state of
    /// its key, in place on `states`: the runtime's batch step, and the benchmark's, so that both run the same code.
    @inlinable
    public func foldInOrder(
        batch inputs: [(key: String, input: Input)], states: inout [String: State],
        step: (inout State?, Input, inout [Row], inout [DerivedEvent]) -> Void
    ) -> FoldedBatch<State, Row> {
        var batch = FoldedBatch<State, Row>()
        batch.rows.reserveCapacity(inputs.count * 2)
        var touched = Set<String>()
        // Each input is borrowed where it lies: iterating the array would copy it, retaining every string of
        // an input that is by then far out of cache in a batch of thousands.
        inputs.withUnsafeBufferPointer { inputs in
            for i in inputs.indices {
                // The dictionary's `modify` access moves the state out while the step lasts: one lookup, and
                // the step mutates the only reference.
                step(&states[inputs[i].key], inputs[i].input, &batch.rows, &batch.derived)
                touched.insert(inputs[i].key)
            }
        }
        batch.touched.reserveCapacity(touched.count)
        for key in touched { batch.touched[key] = states[key] }
        return batch
    }
}
