import Kafka
import Postgres

/// Offsets a projection has folded up to, kept in PostgreSQL beside its rows.
public struct OffsetStore: Sendable {
    public var table: String
    public var projection: String

    public init(table: String, projection: String) {
        self.table = table
        self.projection = projection
    }

    /// Next offset to read for each partition that has one stored.
    public func load(_ partitions: [KafkaTopicPartition], session: PGSession) throws -> [KafkaTopicPartition: Int64] {
        guard !partitions.isEmpty else { return [:] }
        let r = try session.execute(
            "SELECT topic, partition, next_offset FROM \(table) WHERE projection = $1 AND topic = ANY($2::text[])",
            [.text(projection), .textArray(Array(Set(partitions.map(\.topic))))])
        let wanted = Set(partitions)
        var result: [KafkaTopicPartition: Int64] = [:]
        for row in 0..<r.rowCount {
            guard let topic = r.string(row, 0), let p = try r.int(row, 1), let next = try r.int(row, 2) else { continue }
            let tp = KafkaTopicPartition(topic: topic, partition: Int32(p))
            if wanted.contains(tp) { result[tp] = next }
        }
        return result
    }

    /// Moves partitions forward, but only from where this member believes they are: if another member has
    /// moved one meanwhile (this one was fenced out of the group while still working), nothing is written and
    /// `OffsetConflict` is thrown so the whole transaction rolls back.
    public func advance(_ moves: [(KafkaTopicPartition, expected: Int64?, next: Int64)], session: PGSession) throws {
        // One statement for all partitions the member already has a row for, one for first-time partitions.
        let known = moves.filter { $0.expected != nil }
        if !known.isEmpty {
            let r = try session.execute(
                """
                UPDATE \(table) AS o SET next_offset = v.next, updated_at = now()
                FROM unnest($2::text[], $3::bigint[], $4::bigint[], $5::bigint[]) AS v(topic, partition, expected, next)
                WHERE o.projection = $1 AND o.topic = v.topic AND o.partition = v.partition AND o.next_offset = v.expected
                """,
                [.text(projection), .textArray(known.map { $0.0.topic }), .intArray(known.map { Int64($0.0.partition) }),
                 .intArray(known.map { $0.expected ?? -1 }), .intArray(known.map(\.next))])
            guard r.affectedRows == known.count else { throw OffsetConflict(partition: known[0].0, expected: known[0].expected) }
        }
        let fresh = moves.filter { $0.expected == nil }
        if !fresh.isEmpty {
            let r = try session.execute(
                """
                INSERT INTO \(table) (projection, topic, partition, next_offset)
                SELECT $1, topic, partition, next FROM unnest($2::text[], $3::bigint[], $4::bigint[]) AS v(topic, partition, next)
                ON CONFLICT DO NOTHING
                """,
                [.text(projection), .textArray(fresh.map { $0.0.topic }), .intArray(fresh.map { Int64($0.0.partition) }),
                 .intArray(fresh.map(\.next))])
            guard r.affectedRows == fresh.count else { throw OffsetConflict(partition: fresh[0].0, expected: nil) }
        }
    }
}

/// Another member advanced a partition this one was folding: its batch must be dropped and state reloaded.
public struct OffsetConflict: Error, CustomStringConvertible {
    public var partition: KafkaTopicPartition
    public var expected: Int64?
    public var description: String {
        "offset of \(partition) moved underneath this member (expected \(expected.map(String.init) ?? "none")): another member owns it now"
    }
}
