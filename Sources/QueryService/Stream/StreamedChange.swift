/// A projection's state the live stream announces when it changes (a session's leaderboard, a facility's
/// occupancy): declared on the projection's definition (`changes:`), sent by its worker at each commit
/// (`ProjectionChangeNotice`), streamed as an event of `type` whose data names what changed and where to read it.
public struct StreamedChange: Sendable, Hashable {
    /// The stream's event name, e.g. `motorsport.leaderboard.changed`.
    public let type: String
    /// What its keys are: the projection's state keys are the session or facility.
    public let scope: StreamScope
    /// The endpoint that answers the changed state, `{id}` standing for the key.
    public let path: String
    /// The projection announcing it (set by its definition).
    public var projection: String

    public init(_ type: String, scope: StreamScope, path: String, projection: String = "") {
        self.type = type
        self.scope = scope
        self.path = path
        self.projection = projection
    }
}
