import Kafka
import Synchronization

/// What a rebuild's coordinator and its worker share while a version is rebuilt: the partitions to read, how
/// far the worker may fold each one, and what it has committed and seen of the log.
///
/// The coordinator runs elsewhere (the `replay` command's task); the worker reads `limits` on every turn and
/// reports after every commit. Everything is behind one mutex: it is touched a few times per batch.
public final class RebuildControl: Sendable {
    public struct Snapshot: Sendable, Equatable {
        /// Next offset committed per partition (absent: nothing folded yet).
        public var committed: [KafkaTopicPartition: Int64] = [:]
        /// Low and high watermarks per partition as last seen in fetches (absent: not fetched yet).
        public var low: [KafkaTopicPartition: Int64] = [:]
        public var high: [KafkaTopicPartition: Int64] = [:]
        /// Records folded and records that could not be decoded (counted, never published) since the start.
        public var folded = 0
        public var undecodable = 0
        /// Whether the worker has started (loaded its stored offsets and reported them).
        public var started = false
    }

    /// Every partition of the projection's input topics.
    public let partitions: [KafkaTopicPartition]
    /// Where the records come from instead of the broker (archive files), when set.
    public let source: (@Sendable () throws -> any RecordSource)?
    private struct State {
        var limits: [KafkaTopicPartition: Int64]?
        var snapshot = Snapshot()
    }
    private let state = Mutex(State())

    public init(partitions: [KafkaTopicPartition], source: (@Sendable () throws -> any RecordSource)? = nil) {
        self.partitions = partitions.sorted { ($0.topic, $0.partition) < ($1.topic, $1.partition) }
        self.source = source
    }

    /// How far the worker may fold: nil, as far as the log goes; otherwise the next offset it may reach per
    /// partition, and a partition left out is held where it is. A rebuild that will be promoted never folds
    /// past the live version (its derived events were published by the live one, and only for what the live
    /// one folded), so it follows the live version's offsets.
    public var limits: [KafkaTopicPartition: Int64]? {
        get { state.withLock { $0.limits } }
        set { state.withLock { $0.limits = newValue } }
    }

    public var snapshot: Snapshot { state.withLock { $0.snapshot } }

    /// The worker's report at its start, with the offsets its version has stored.
    func started(stored: [KafkaTopicPartition: Int64]) {
        state.withLock {
            $0.snapshot.committed = stored
            $0.snapshot.started = true
        }
    }

    /// The worker's report after a commit.
    func committed(_ offsets: [KafkaTopicPartition: Int64], folded: Int = 0, undecodable: Int = 0) {
        state.withLock {
            $0.snapshot.committed.merge(offsets) { old, new in max(old, new) }
            $0.snapshot.folded += folded
            $0.snapshot.undecodable += undecodable
        }
    }

    func watermarks(_ partition: KafkaTopicPartition, low: Int64, high: Int64) {
        state.withLock {
            $0.snapshot.low[partition] = low
            $0.snapshot.high[partition] = high
        }
    }

    /// Whether the worker has folded everything it may: every partition up to its limit, or up to its high
    /// watermark as last seen (a partition that has not been fetched yet is not done).
    public var reachedEnd: Bool {
        let s = snapshot
        guard s.started else { return false }
        let limits = self.limits
        return partitions.allSatisfy { tp in
            let at = s.committed[tp] ?? s.low[tp] ?? 0
            if let limits, at >= limits[tp] ?? 0 { return true }
            guard let high = s.high[tp] else { return false }
            return at >= high
        }
    }

    /// Whether every partition has committed exactly `offsets` (a partition absent from it: nothing).
    public func hasCommitted(exactly offsets: [KafkaTopicPartition: Int64]) -> Bool {
        let s = snapshot
        return s.started && partitions.allSatisfy { s.committed[$0] == offsets[$0] }
    }
}
