import Hummingbird

/// A projection's read endpoints: a route collection the query service mounts on its router, made by the
/// projection's definition for the placement its tables are read from.
public protocol ReadRoutes: Sendable {
    func add<Context: RequestContext>(to router: Router<Context>)
}
