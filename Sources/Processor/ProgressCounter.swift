import Synchronization

/// A count that only goes up, shared between the thread that advances it and those that read it (a worker's
/// committed batches, read by its supervisor).
public final class ProgressCounter: Sendable {
    private let count = Atomic<Int>(0)

    public init() {}

    public var value: Int { count.load(ordering: .relaxed) }

    public func increment() { count.add(1, ordering: .relaxed) }
}
