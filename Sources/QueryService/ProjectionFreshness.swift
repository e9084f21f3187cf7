import Postgres

/// How far a projection has folded, as a token that changes whenever one of its batches commits: the sum and
/// count of its partitions' next offsets, read from its offsets table (one indexed read of a few rows, none of its
/// own tables). Every answer of its read routes is a function of its tables, and its tables change only in those
/// commits; so while the token is the same, so is the answer (`ConditionalGETMiddleware`'s ETag).
public struct ProjectionFreshness: Sendable {
    public let projection: String
    private let read: @Sendable () async throws -> String

    public init(projection: String, read: @escaping @Sendable () async throws -> String) {
        self.projection = projection
        self.read = read
    }

    /// From `offsetsTable()` (asked on each request: a promotion moves the projection to another version's).
    public static func offsets(projection: String, pool: PGPool, offsetsTable: @escaping @Sendable () -> String) -> ProjectionFreshness {
        ProjectionFreshness(projection: projection) {
            let table = offsetsTable()
            let r = try await pool.query(
                "SELECT coalesce(sum(next_offset), 0)::bigint, count(*) FROM \(table) WHERE projection = $1", [.text(projection)])
            return "\(table)/\(try r.int(0, 0) ?? 0)/\(try r.int(0, 1) ?? 0)"
        }
    }

    public func token() async throws -> String { try await read() }
}
