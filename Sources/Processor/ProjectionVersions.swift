import Postgres
import Projections

/// The version table: which versions of each projection exist and which one is active.
///
/// A promotion and the live processor's batches exclude each other through an advisory lock per projection:
/// every live batch transaction calls the fence (`fence`), which takes the lock shared and answers the active
/// version; a promotion takes it exclusively (`lockForPromotion`) in the transaction that flips the status. A
/// live batch therefore commits wholly before a promotion or wholly after it, and after it, it sees that its
/// version is no longer active, rolls back and switches (`VersionChanged`).
public struct ProjectionVersions: Sendable {
    public let table: String

    public init(table: String = RuntimeTables().versions) { self.table = table }

    /// Advisory lock class of promotions (the object is `hashtext(projection)`).
    static let lockClass = 7_420_002

    private static let columns =
        "projection, version, status, start_spec, deferred_indexes, created_at, promoted_at, progress::text"

    /// Every version of `projection` (all projections when nil), by projection and number. A projection
    /// without rows has its original tables only: version 1, active.
    public func list(_ projection: String? = nil, known: [String] = [], session: PGSession) throws -> [ProjectionVersion] {
        let r = try session.execute(
            "SELECT \(Self.columns) FROM \(table) WHERE $1::text IS NULL OR projection = $1 ORDER BY projection, version",
            [projection.map(PGValue.text) ?? .null])
        var versions = try (0..<r.rowCount).map { i throws(PGError) in try Self.version(r, i) }
        let present = Set(versions.map(\.projection))
        for name in (projection.map { [$0] } ?? known) where !present.contains(name) {
            versions.append(ProjectionVersion(projection: name, number: 1, status: .active))
        }
        return versions.sorted { ($0.projection, $0.number) < ($1.projection, $1.number) }
    }

    public func find(_ projection: String, _ number: Int, session: PGSession) throws -> ProjectionVersion? {
        try list(projection, session: session).first { $0.number == number }
    }

    /// The active version (version 1 when the projection has no rows).
    public func active(_ projection: String, session: PGSession) throws -> ProjectionVersion {
        try list(projection, session: session).first { $0.status == .active }
            ?? ProjectionVersion(projection: projection, number: 1, status: .active)
    }

    /// Records a new version (the next number) as building.
    public func create(_ projection: String, start: String, session: PGSession) throws -> ProjectionVersion {
        try session.transaction { s in
            try ensureOriginal(projection, session: s)
            let r = try s.execute(
                """
                INSERT INTO \(table) (projection, version, status, start_spec)
                SELECT $1, coalesce(max(version), 1) + 1, 'building', $2 FROM \(table) WHERE projection = $1
                RETURNING \(Self.columns)
                """, [.text(projection), .text(start)])
            return try Self.version(r, 0)
        }
    }

    /// Writes version 1's row (active) if the projection has none yet, so that every version has one.
    func ensureOriginal(_ projection: String, session: PGSession) throws {
        _ = try session.execute(
            """
            INSERT INTO \(table) (projection, version, status, promoted_at)
            SELECT $1, 1, 'active', NULL WHERE NOT EXISTS (SELECT 1 FROM \(table) WHERE projection = $1)
            """, [.text(projection)])
    }

    public func setStatus(_ projection: String, _ number: Int, _ status: ProjectionVersion.Status, session: PGSession) throws {
        _ = try session.execute(
            "UPDATE \(table) SET status = $3 WHERE projection = $1 AND version = $2",
            [.text(projection), .int(Int64(number)), .text(status.rawValue)])
    }

    public func setDeferredIndexes(_ projection: String, _ number: Int, _ indexes: [String], session: PGSession) throws {
        _ = try session.execute(
            "UPDATE \(table) SET deferred_indexes = $3 WHERE projection = $1 AND version = $2",
            [.text(projection), .int(Int64(number)), .textArray(indexes)])
    }

    public func setProgress(_ projection: String, _ number: Int, json: String, session: PGSession) throws {
        _ = try session.execute(
            "UPDATE \(table) SET progress = $3::jsonb WHERE projection = $1 AND version = $2",
            [.text(projection), .int(Int64(number)), .text(json)])
    }

    public func remove(_ projection: String, _ number: Int, session: PGSession) throws {
        _ = try session.execute(
            "DELETE FROM \(table) WHERE projection = $1 AND version = $2", [.text(projection), .int(Int64(number))])
    }

    // MARK: Promotion

    /// Called first in a live batch transaction: waits out a promotion in progress, then throws
    /// `VersionChanged` when `number` is no longer the active version.
    public func fence(_ projection: String, expecting number: Int, session: PGSession) throws {
        let r = try session.execute("SELECT \(RuntimeTables.unqualified(table))_fence($1)", [.text(projection)])
        let active = Int(try r.int(0, 0) ?? 1)
        guard active == number else { throw VersionChanged(projection: projection, from: number, to: active) }
    }

    /// Holds off every live batch of `projection` until the calling transaction ends.
    public func lockForPromotion(_ projection: String, session: PGSession) throws {
        _ = try session.execute(
            "SELECT pg_advisory_xact_lock(\(Self.lockClass), hashtext($1))", [.text(projection)])
    }

    /// Makes `number` the active version and retires the one before it, and wakes the query services that
    /// listen for it. Runs inside the caller's transaction, after `lockForPromotion`.
    public func activate(_ projection: String, _ number: Int, session: PGSession) throws {
        try ensureOriginal(projection, session: session)
        _ = try session.execute(
            "UPDATE \(table) SET status = 'retired' WHERE projection = $1 AND status = 'active' AND version <> $2",
            [.text(projection), .int(Int64(number))])
        let r = try session.execute(
            "UPDATE \(table) SET status = 'active', promoted_at = now() WHERE projection = $1 AND version = $2",
            [.text(projection), .int(Int64(number))])
        guard r.affectedRows == 1 else {
            throw PGError(kind: .misuse, message: "\(projection) has no version \(number)")
        }
        _ = try session.execute("SELECT pg_notify($1, $2)", [.text(notificationChannel), .text(projection)])
    }

    /// The channel a promotion notifies (its payload: the projection's name).
    public var notificationChannel: String { RuntimeTables.unqualified(table) }

    private static func version(_ r: PGResult, _ i: Int) throws(PGError) -> ProjectionVersion {
        ProjectionVersion(
            projection: r.string(i, 0) ?? "", number: Int(try r.int(i, 1) ?? 1),
            status: ProjectionVersion.Status(rawValue: r.string(i, 2) ?? "") ?? .retired,
            start: r.string(i, 3) ?? "earliest", deferredIndexes: (try r.textArray(i, 4) ?? []).compactMap { $0 },
            createdAt: try r.timestamp(i, 5) ?? 0, promotedAt: try r.timestamp(i, 6), progress: r.string(i, 7))
    }
}

/// The version a live worker was folding into is no longer the active one: its batch rolled back, and it
/// continues in the active version from that version's offsets.
public struct VersionChanged: Error, CustomStringConvertible {
    public var projection: String
    public var from: Int
    public var to: Int
    public var description: String { "\(projection): version \(to) was promoted while this worker folded version \(from)" }
}
