import APIDescription
import HTTPTypes
import Hummingbird

/// The built-in dashboard: `/` is its page and `/dashboard/{file}` its styles and scripts, served from memory
/// (`DashboardAssets`). The page reads the same public API as any client (the lists, the projections' reads,
/// `/v1/stream`), so it needs no route of its own beyond its files.
public struct DashboardRoutes: Sendable {
    public let assets: DashboardAssets
    /// Read the folder again on every request (a folder given with `--dashboard-dir`: edit, reload the page). Those
    /// few small file reads block the request's thread: a mode for working on the page, not for production.
    let rereads: Bool

    public init(assets: DashboardAssets, rereads: Bool = false) {
        self.assets = assets
        self.rereads = rereads
    }

    /// The files as they are now.
    var current: DashboardAssets {
        guard rereads, let directory = assets.directory else { return assets }
        return .load(from: [directory])
    }

    public static var operations: [APIOperation] {
        var page = APIOperation(
            "GET", "/", id: "getDashboard", summary: "The dashboard page (HTML): parks, races and facilities, live.", tag: "dashboard",
            response: nil, errors: [503])
        page.responseContentType = "text/html"
        var file = APIOperation(
            "GET", "/dashboard/{file}", id: "getDashboardFile", summary: "One of the dashboard's files (its styles and scripts).",
            tag: "dashboard",
            parameters: [APIParameter("file", in: .path, required: true, schema: .string(pattern: "^[a-z0-9-]+\\.(css|js|svg|png|ico)$"), "The file's name.", example: "dashboard.css")],
            response: nil, errors: [404])
        file.responseContentType = "text/css"
        file.otherContentTypes = ["text/javascript", "image/svg+xml", "image/png", "image/x-icon"]
        return [page, file]
    }

    public func add<Context: RequestContext>(to router: Router<Context>) {
        router.get("/", use: page)
        router.get("/dashboard/:file", use: file)
    }

    @Sendable func page(_ request: Request, context: some RequestContext) throws -> Response {
        let assets = current
        guard let index = assets.files["index.html"] else {
            throw QueryError.unavailable(
                "the dashboard's files were not found (looked in \(assets.searched.joined(separator: ", "))): "
                    + "copy Turnstile_QueryService.resources beside the binary, or pass serve --dashboard-dir")
        }
        return serve(index, request)
    }

    @Sendable func file(_ request: Request, context: some RequestContext) throws -> Response {
        let name = context.parameters.get("file") ?? ""
        guard name != "index.html", let file = current.files[name] else {
            throw QueryError.notFound("no dashboard file '\(name.prefix(64))'", field: "file")
        }
        return serve(file, request)
    }

    /// The file, or 304 when the client holds these bytes already. `no-cache`: revalidated on every load, so a new
    /// build's page never runs with the old build's script.
    func serve(_ file: DashboardAssets.File, _ request: Request) -> Response {
        let headers: HTTPFields = [.eTag: file.etag, .cacheControl: "no-cache"]
        if let condition = request.headers[.ifNoneMatch], CacheValidators.matches(condition, file.etag, wildcard: true) {
            return Response(status: .notModified, headers: headers)
        }
        var all = headers
        all[.contentType] = file.contentType
        // The page loads nothing from elsewhere; say so, so an injected script could not either.
        all[HTTPField.Name("Content-Security-Policy")!] = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'"
        all[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        return Response(status: .ok, headers: all, body: ResponseBody(byteBuffer: file.bytes))
    }
}
