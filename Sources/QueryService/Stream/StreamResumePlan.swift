import Events

/// What a client's `Last-Event-ID` comes to, decided without I/O: start at the live position, read the
/// records it missed from the topics first, or tell it with a `reset` event that they are gone.
public enum StreamResumePlan: Sendable, Equatable {
    /// No id: from the live position on.
    case fresh
    /// Read `ranges` (from → up to, excluded) before the live records; the cursor starts at `cursor`.
    case catchUp(cursor: StreamPosition, ranges: [Range])
    /// The id cannot be honoured: start at the live position, and say why.
    case reset(reason: String)

    public struct Range: Sendable, Equatable {
        public var topic: Topic
        public var partition: Int32
        public var from: Int64
        public var to: Int64
    }

    /// - Parameters:
    ///   - id: the client's `Last-Event-ID` (nil or empty: none).
    ///   - topics: the topics the client's filter reads.
    ///   - live: where the hub's live records start for this client (its position when the client registered).
    ///   - kept: the first offset each partition still keeps (nil when unknown: the read finds out).
    ///   - end: the end of each partition (its next offset) as last seen; an id past it was never given.
    ///   - maxReplay: the most records a catch-up may read.
    public static func decide(
        id: String?, topics: [Topic], live: StreamPosition, kept: StreamPosition?, end: StreamPosition? = nil, maxReplay: Int64
    ) -> StreamResumePlan {
        guard let id, !id.isEmpty else { return .fresh }
        guard let asked = StreamPosition(encoded: id) else {
            return .reset(reason: "the Last-Event-ID is not one this service gave")
        }
        guard Set(asked.offsets.keys) == Set(topics) else {
            return .reset(reason: "the Last-Event-ID was given for other filters (other topics)")
        }
        var ranges: [Range] = []
        var missed: Int64 = 0
        for topic in topics {
            let from = asked.offsets[topic]!, to = live.offsets[topic] ?? []
            guard from.count == to.count else {
                return .reset(reason: "\(topic.baseName) has \(to.count) partitions now, \(from.count) when the id was given")
            }
            for p in from.indices {
                if let last = end?.offsets[topic]?[p], from[p] > max(last, to[p]) {
                    return .reset(reason: "the Last-Event-ID asks for \(topic.baseName) partition \(p) at offset \(from[p]), past its end (\(max(last, to[p])))")
                }
                guard from[p] < to[p] else { continue }
                if let first = kept?.offsets[topic]?[p], from[p] < first {
                    return .reset(reason: "the events after this id are no longer kept (\(topic.baseName) partition \(p) starts at offset \(first), the id asks for \(from[p]))")
                }
                ranges.append(Range(topic: topic, partition: Int32(p), from: from[p], to: to[p]))
                missed += to[p] - from[p]
            }
        }
        guard missed <= maxReplay else {
            return .reset(reason: "\(missed) events were missed since this id, more than the \(maxReplay) a reconnection replays")
        }
        return .catchUp(cursor: asked, ranges: ranges)
    }
}
