import APIDescription
import Hummingbird

/// A projection's read endpoints: a route collection the query service mounts on its router, made by the
/// projection's definition for the placement its tables are read from, and the operations `/openapi.json`
/// describes them with (declared beside the routes; a test walks the router against the document both ways).
public protocol ReadRoutes: Sendable {
    func add<Context: RequestContext>(to router: Router<Context>)
    var operations: [APIOperation] { get }
    /// What the answers depend on besides the request (nil: nothing known, no conditional answers).
    var freshness: ProjectionFreshness? { get }
}

extension ReadRoutes {
    public var freshness: ProjectionFreshness? { nil }
}
