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
        for (tp, expected, next) in moves {
            let r: PGResult
            if let expected {
                r = try session.execute(
                    "UPDATE \(table) SET next_offset = $4, updated_at = now() WHERE projection = $1 AND topic = $2 AND partition = $3 AND next_offset = $5",
                    [.text(projection), .text(tp.topic), .int(Int64(tp.partition)), .int(next), .int(expected)])
            } else {
                r = try session.execute(
                    "INSERT INTO \(table) (projection, topic, partition, next_offset) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                    [.text(projection), .text(tp.topic), .int(Int64(tp.partition)), .int(next)])
            }
            guard r.affectedRows == 1 else { throw OffsetConflict(partition: tp, expected: expected) }
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
