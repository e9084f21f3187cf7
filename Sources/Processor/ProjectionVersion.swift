import Projections

/// One version of a projection: its number, where its tables and offsets live, and where it stands.
public struct ProjectionVersion: Sendable, Equatable {
    public enum Status: String, Sendable, CaseIterable {
        /// Being rebuilt (or stopped mid-way: a rerun resumes it).
        case building
        /// Built and caught up, not serving (`replay --no-swap`).
        case ready
        /// The one the live processor folds into and the query service reads.
        case active
        /// Was active; kept until dropped (promote it again to roll back).
        case retired
    }

    public var projection: String
    public var number: Int
    public var status: Status
    /// Where the rebuild started: `earliest`, partition offsets or a time, as given.
    public var start: String
    /// Secondary indexes dropped for the bulk load, to be created again when the rebuild has caught up.
    public var deferredIndexes: [String]
    /// Creation and promotion times, µs since the epoch.
    public var createdAt: Int64
    public var promotedAt: Int64?
    /// The rebuild's last progress report (JSON), if any.
    public var progress: String?
    /// A schema chosen by hand instead of `<projection>_v<number>`: a scratch fold (an archive replayed for a
    /// what-if), not recorded in the version table.
    public var schema: String?

    public init(
        projection: String, number: Int, status: Status, start: String = "earliest", deferredIndexes: [String] = [],
        createdAt: Int64 = 0, promotedAt: Int64? = nil, progress: String? = nil
    ) {
        self.projection = projection
        self.number = number
        self.status = status
        self.start = start
        self.deferredIndexes = deferredIndexes
        self.createdAt = createdAt
        self.promotedAt = promotedAt
        self.progress = progress
    }

    /// Where its tables are.
    public var placement: TablePlacement { schema.map { TablePlacement(schema: $0) } ?? .version(number, of: projection) }

    /// A scratch fold of `projection` into `schema`, outside the version table.
    public static func scratch(_ projection: String, schema: String) -> ProjectionVersion {
        var version = ProjectionVersion(projection: projection, number: 1, status: .building, start: "archive")
        version.schema = schema
        return version
    }

    /// Whether it is recorded in the version table (every version but a scratch fold).
    public var isRegistered: Bool { schema == nil }

    /// Its runtime tables: offsets beside its tables, outbox and versions shared.
    public func runtime(_ shared: RuntimeTables) -> RuntimeTables { shared.at(placement) }
}
