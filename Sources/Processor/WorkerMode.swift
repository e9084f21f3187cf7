import Projections

/// How a `ProjectionWorker` runs.
public enum WorkerMode: Sendable {
    /// The live processor: a member of the projection's consumer group, folding into the projection's active
    /// version and publishing its derived events; it follows a promotion to a new version without a restart.
    case live
    /// Folds into a fixed placement as a group member, publishing as live does, but ignores versions: tests
    /// and benchmarks that build a projection beside the live one.
    case pinned(TablePlacement)
    /// Rebuilds `version`: reads every partition itself (no group, nobody else disturbed), publishes nothing
    /// (no derived events, no dead letters), and folds only as far as `control` allows.
    case rebuild(version: ProjectionVersion, control: RebuildControl)
}
