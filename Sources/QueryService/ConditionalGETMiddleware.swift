import APIDescription
import Events
import Hummingbird

/// HTTP caching of the projections' answers: every GET of a route whose projection says how far it has folded
/// (`ProjectionFreshness`) gets an `ETag` made of that, the request and (for current state) the minute; a request
/// whose `If-None-Match` names it is answered 304 before any handler runs, so an unchanged projection is never
/// read. `Cache-Control` fits the data: current state a few seconds, a history whose range ended more than a day
/// ago an hour (late events and rebuilds still change it; the ETag says when).
///
/// The minute is in the ETag of current state because some answers also depend on the clock (a forecast made "in
/// the last hour", the hours left of a park's day): they are at most a minute stale to a client that revalidates.
struct ConditionalGETMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Path template → what its answers depend on.
    let freshness: [String: ProjectionFreshness]
    private let templates: APIPathTemplates

    init(freshness: [String: ProjectionFreshness]) {
        self.freshness = freshness
        templates = APIPathTemplates(freshness.keys)
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method == .get || request.method == .head,
              let template = templates.match(request.uri.path), let projection = freshness[template]
        else { return try await next(request, context) }
        let token = try await projection.token()
        let seconds = Timestamp.now().microseconds / 1_000_000
        let (tag, cacheControl) = CacheValidators.validators(
            projection: projection.projection, token: token, uri: request.uri.description, to: request.uri.queryParameters.get("to"), now: seconds)
        let condition = request.headers[.ifNoneMatch]
        // A named ETag was only ever given with a 200 of this very request, so it is answered before the handler.
        // `*` names no answer: only the handler can tell whether there is one (a refused request has none).
        if let condition, CacheValidators.matches(condition, tag, wildcard: false) {
            return Response(status: .notModified, headers: [.eTag: tag, .cacheControl: cacheControl])
        }
        var response = try await next(request, context)
        guard response.status == .ok else { return response }
        if let condition, CacheValidators.matches(condition, tag, wildcard: true) {
            return Response(status: .notModified, headers: [.eTag: tag, .cacheControl: cacheControl])
        }
        response.headers[.eTag] = tag
        response.headers[.cacheControl] = cacheControl
        return response
    }
}
