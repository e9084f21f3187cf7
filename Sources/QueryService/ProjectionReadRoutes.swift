import APIDescription
import Hummingbird

/// A projection's read routes with what their answers depend on (`ProjectionFreshness`): the registry wraps every
/// projection's routes in one, so the query service can answer a conditional GET of any of them without a route
/// knowing about caching.
public struct ProjectionReadRoutes: ReadRoutes {
    public let routes: any ReadRoutes
    public let freshness: ProjectionFreshness?

    public init(_ routes: any ReadRoutes, freshness: ProjectionFreshness) {
        self.routes = routes
        self.freshness = freshness
    }

    public func add<Context: RequestContext>(to router: Router<Context>) { routes.add(to: router) }
    public var operations: [APIOperation] { routes.operations }
}
