/// The runtime's own tables (offsets, outbox, applied migrations, projection versions), shared by every
/// projection. Projection tables are declared by each projection (`WaitTimesTables`, …) and named through a
/// `TablePlacement`.
public struct RuntimeTables: Sendable, Equatable {
    public var offsets: String
    public var outbox: String
    public var migrations: String
    /// Which version of each projection is active (one row per version; none: version 1).
    public var versions: String
    /// The forecast model registry: every trained model, its metrics and its bytes.
    public var models: String

    public init(offsets: String = "turnstile_offsets", outbox: String = "turnstile_outbox",
                migrations: String = "turnstile_migrations", versions: String = "turnstile_projection_versions",
                models: String = "turnstile_models") {
        self.offsets = offsets
        self.outbox = outbox
        self.migrations = migrations
        self.versions = versions
        self.models = models
    }

    public var placeholders: [String: String] {
        ["offsets": offsets, "outbox": outbox, "migrations": migrations, "versions": versions, "models": models]
    }

    /// The runtime of a projection version at `placement`: its offsets live with its tables (in its schema),
    /// so they commit with its rows and a rebuild resumes from them; the outbox and the version table stay
    /// shared (after a promotion the version publishes where the one before it did).
    public func at(_ placement: TablePlacement) -> RuntimeTables {
        guard let schema = placement.schema else { return self }
        var runtime = self
        runtime.offsets = schema + "." + Self.unqualified(offsets)
        runtime.migrations = schema + "." + Self.unqualified(migrations)
        return runtime
    }

    /// `name` without its schema (`s.t` → `t`): what objects named after a table (functions, channels) use.
    public static func unqualified(_ name: String) -> String {
        guard let dot = name.lastIndex(of: ".") else { return name }
        return String(name[name.index(after: dot)...])
    }
}
