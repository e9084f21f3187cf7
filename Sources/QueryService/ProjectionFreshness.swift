import Postgres
import Synchronization

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

    /// How long a token read is reused. Under load this saves a database round trip per request (half the
    /// database work of a current-state read); the price is that a commit shows in the ETags up to this late, well
    /// within the 2 s a client may reuse current state anyway (`Cache-Control`).
    public static let reuse: Duration = .milliseconds(100)

    /// From `offsetsTable()` (asked on each request: a promotion moves the projection to another version's).
    public static func offsets(projection: String, pool: PGPool, offsetsTable: @escaping @Sendable () -> String) -> ProjectionFreshness {
        let cache = TokenCache()
        return ProjectionFreshness(projection: projection) {
            let table = offsetsTable()
            let now = ContinuousClock.now
            if let token = cache.token(table: table, at: now) { return token }
            let r = try await pool.query(
                "SELECT coalesce(sum(next_offset), 0)::bigint, count(*) FROM \(table) WHERE projection = $1", [.text(projection)])
            let token = "\(table)/\(try r.int(0, 0) ?? 0)/\(try r.int(0, 1) ?? 0)"
            cache.store(token, table: table, readAt: now)
            return token
        }
    }

    /// The last token read, for `reuse`. It is stamped with when its read began, so it is never taken for fresher
    /// than it is.
    final class TokenCache: Sendable {
        private let last = Mutex<(table: String, token: String, readAt: ContinuousClock.Instant)?>(nil)

        func token(table: String, at now: ContinuousClock.Instant) -> String? {
            last.withLock { last in
                guard let last, last.table == table, now - last.readAt < ProjectionFreshness.reuse else { return nil }
                return last.token
            }
        }

        func store(_ token: String, table: String, readAt: ContinuousClock.Instant) {
            last.withLock { last in
                if let last, last.readAt > readAt { return }
                last = (table, token, readAt)
            }
        }
    }

    public func token() async throws -> String { try await read() }
}
