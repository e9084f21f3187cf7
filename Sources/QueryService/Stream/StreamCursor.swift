import Events

/// A client's place in the stream, kept by its writer: the next offset of every partition it reads. An event is
/// sent only at or after it (so the catch-up read of a resumed client and the live records it overlaps with
/// never repeat one) and moves it on; the hub's position after each batch moves it on too, past the records
/// the client's filter skipped, so that the id it reconnects with asks for as little as possible.
public struct StreamCursor: Sendable, Equatable {
    public private(set) var position: StreamPosition

    public init(_ position: StreamPosition) { self.position = position }

    /// Whether `record` is new to the client (and if so, it is now behind the cursor).
    public mutating func admit(_ record: StreamRecord) -> Bool {
        guard var partitions = position.offsets[record.topic], Int(record.partition) < partitions.count,
            record.offset >= partitions[Int(record.partition)]
        else { return false }
        partitions[Int(record.partition)] = record.offset + 1
        position.offsets[record.topic] = partitions
        return true
    }

    /// Moves every partition the client reads to at least `hub`'s offset for it.
    public mutating func advance(to hub: StreamPosition) {
        for (topic, var partitions) in position.offsets {
            guard let theirs = hub.offsets[topic] else { continue }
            var moved = false
            for i in partitions.indices where i < theirs.count && theirs[i] > partitions[i] {
                partitions[i] = theirs[i]
                moved = true
            }
            if moved { position.offsets[topic] = partitions }
        }
    }
}
