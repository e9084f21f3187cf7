/// The runtime's own tables (offsets, outbox, applied migrations), shared by every projection. Projection
/// tables are declared by each projection (`WaitTimesTables`, …) and named through a `TablePlacement`.
public struct RuntimeTables: Sendable, Equatable {
    public var offsets: String
    public var outbox: String
    public var migrations: String

    public init(offsets: String = "turnstile_offsets", outbox: String = "turnstile_outbox",
                migrations: String = "turnstile_migrations") {
        self.offsets = offsets
        self.outbox = outbox
        self.migrations = migrations
    }

    public var placeholders: [String: String] { ["offsets": offsets, "outbox": outbox, "migrations": migrations] }
}
