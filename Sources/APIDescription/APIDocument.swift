import Events

/// The OpenAPI 3.1 document of the whole HTTP API (`/openapi.json`), written from the operations the route
/// collections declare: the paths in order, each parameter with its bounds, each answer's schema (named schemas
/// once, under `components`), and the one error shape every 4xx and 5xx answer has.
public struct APIDocument: Sendable {
    public var title = "Turnstile"
    public var version: String
    public var operations: [APIOperation]

    public init(version: String, operations: [APIOperation]) {
        self.version = version
        self.operations = operations
    }

    /// `{"error":{"code","message","field"}}`: what `QueryError` (and ingest's errors) write.
    public static let errorSchema = APISchema.reference(
        "Error",
        .object([
            ("error", .object([
                ("code", .string), ("message", .string), ("field", .nullable(.string)),
            ])),
        ], description: "Every error answer: a stable code (invalid_parameter, not_found, unavailable, internal, …), a message that says what to do, and the parameter at fault when there is one."))

    static let statusText: [Int: String] = [
        400: "A parameter is invalid: the error names it.", 401: "No valid token.", 403: "The token may not do this.",
        404: "Nothing known by that id: the error names which.", 413: "The body is too large.", 415: "Not a supported media type.",
        429: "Too many requests: retry after the time given.", 503: "A dependency (database, broker) is unavailable: retry.",
    ]

    public var json: [UInt8] {
        var w = JSONWriter(capacity: 64 * 1024)
        w.beginObject()
        w.key("openapi"); w.string("3.1.0")
        w.key("info"); w.beginObject()
        w.key("title"); w.string(title)
        w.key("version"); w.string(version)
        w.key("description"); w.string("Turnstile's query API (projections as JSON), HTTP ingest and operational endpoints.")
        w.endObject()
        w.key("paths"); w.beginObject()
        var paths: [String] = []
        for op in operations where !paths.contains(op.path) { paths.append(op.path) }
        for path in paths {
            w.key(path); w.beginObject()
            for op in operations where op.path == path { write(op, to: &w) }
            w.endObject()
        }
        w.endObject()
        w.key("components"); w.beginObject()
        w.key("schemas"); w.beginObject()
        var named: [(String, APISchema)] = Self.errorSchema.references
        for op in operations {
            let used = (op.response?.references ?? []) + op.otherResponses.flatMap(\.schema.references)
            for (name, schema) in used where !named.contains(where: { $0.0 == name }) {
                named.append((name, schema))
            }
        }
        for (name, schema) in named {
            w.key(name)
            if case .reference(_, let definition) = schema { definition.write(to: &w) } else { schema.write(to: &w) }
        }
        w.endObject()
        w.endObject()
        w.endObject()
        return w.bytes
    }

    /// The endpoints as a Markdown table (README's): method, path, parameters (`?` optional), what it answers.
    public var markdownTable: String {
        var lines = ["| method | path | parameters | answers |", "|---|---|---|---|"]
        for op in operations {
            let parameters = op.parameters.filter { $0.location == .query }.map { "`\($0.name)`" + ($0.required ? "" : "?") }
            lines.append("| \(op.method) | `\(op.path)` | \(parameters.joined(separator: " ")) | \(op.summary.split(separator: "|", omittingEmptySubsequences: false).joined(separator: "\\|")) |")
        }
        return lines.joined(separator: "\n")
    }

    private func write(_ op: APIOperation, to w: inout JSONWriter) {
        w.key(op.method.lowercased()); w.beginObject()
        w.key("operationId"); w.string(op.id)
        w.key("summary"); w.string(op.summary)
        w.key("tags"); w.beginArray(); w.string(op.tag); w.endArray()
        if !op.parameters.isEmpty || op.conditional {
            w.key("parameters"); w.beginArray()
            if op.conditional {
                w.beginObject()
                w.key("name"); w.string("If-None-Match")
                w.key("in"); w.string("header")
                w.key("required"); w.bool(false)
                w.key("description"); w.string("An ETag of an earlier answer: 304 while the projection has committed nothing since.")
                w.key("schema"); APISchema.string.write(to: &w)
                w.endObject()
            }
            for p in op.parameters {
                w.beginObject()
                w.key("name"); w.string(p.name)
                w.key("in"); w.string(p.location.rawValue)
                w.key("required"); w.bool(p.required)
                w.key("description"); w.string(p.description)
                if let example = p.example {
                    w.key("example")
                    if case .integer = p.schema, let n = Int64(example) { w.int(n) } else { w.string(example) }
                }
                w.key("schema"); p.schema.write(to: &w)
                w.endObject()
            }
            w.endArray()
        }
        if let body = op.requestBody {
            w.key("requestBody"); w.beginObject()
            w.key("required"); w.bool(true)
            w.key("description"); w.string(body.description)
            w.key("content"); w.beginObject()
            for (type, schema) in body.content {
                w.key(type); w.beginObject(); w.key("schema"); schema.write(to: &w); w.endObject()
            }
            w.endObject()
            w.endObject()
        }
        w.key("responses"); w.beginObject()
        w.key(String(op.responseStatus)); w.beginObject()
        w.key("description"); w.string(op.summary)
        if op.conditional {
            w.key("headers"); w.beginObject()
            for (name, text) in [("ETag", "The answer's version: from the projection's committed offsets and the request."),
                                 ("Cache-Control", "How long the answer may be reused: seconds for current state, an hour for a history over a day old.")] {
                w.key(name); w.beginObject()
                w.key("description"); w.string(text)
                w.key("schema"); APISchema.string.write(to: &w)
                w.endObject()
            }
            w.endObject()
        }
        w.key("content"); w.beginObject()
        for type in [op.responseContentType] + op.otherContentTypes {
            w.key(type); w.beginObject()
            w.key("schema")
            if let schema = op.response { schema.write(to: &w) } else { w.beginObject(); w.key("type"); w.string("string"); w.endObject() }
            w.endObject()
        }
        w.endObject()
        w.endObject()
        if op.conditional {
            w.key("304"); w.beginObject()
            w.key("description"); w.string("Not modified: the ETag named by If-None-Match is still the answer's.")
            w.endObject()
        }
        for (status, schema) in op.otherResponses {
            w.key(String(status)); w.beginObject()
            w.key("description"); w.string(Self.statusText[status] ?? op.summary)
            w.key("content"); w.beginObject()
            w.key(op.responseContentType); w.beginObject(); w.key("schema"); schema.write(to: &w); w.endObject()
            w.endObject()
            w.endObject()
        }
        for status in op.errors.sorted() {
            w.key(String(status)); w.beginObject()
            w.key("description"); w.string(Self.statusText[status] ?? "An error.")
            w.key("content"); w.beginObject()
            w.key("application/json"); w.beginObject(); w.key("schema"); Self.errorSchema.write(to: &w); w.endObject()
            w.endObject()
            w.endObject()
        }
        w.endObject()
        w.endObject()
    }
}
