import Events

/// One endpoint as `/openapi.json` describes it: method and path, parameters with their bounds, the answer's
/// schema and the errors it may give. Each `ReadRoutes` declares its operations beside the routes it registers;
/// a test walks the router's routes against them both ways, and checks real answers against their schemas.
public struct APIOperation: Sendable {
    public var method: String
    /// OpenAPI's template: `/v1/parks/{park_id}/waits`.
    public var path: String
    /// `operationId`: unique in the document.
    public var id: String
    public var summary: String
    /// The group it is listed under (`parks`, `motorsport`, `parking`, `operations`, `ingest`).
    public var tag: String
    public var parameters: [APIParameter]
    /// The successful answer's body (`nil`: no JSON body, e.g. text).
    public var response: APISchema?
    public var responseStatus = 200
    public var responseContentType = "application/json"
    /// Other media types the same answer may come as (a static file's, by its name), with the same schema.
    public var otherContentTypes: [String] = []
    /// The error statuses it may answer with the error shape (`APIDocument.errorSchema`). By default a read's: a
    /// parameter refused, an id unknown, the database unavailable.
    public var errors: [Int]
    /// Other statuses it answers with a body of its own (`/ready`'s 503 says which check failed).
    public var otherResponses: [(status: Int, schema: APISchema)] = []
    /// Answered conditionally: an `ETag` and `Cache-Control` on its 200, a 304 to an `If-None-Match` naming it.
    public var conditional = false
    /// The request body, when it takes one: what it is, and its schema per media type.
    public var requestBody: (description: String, content: [(type: String, schema: APISchema)])?

    public init(
        _ method: String = "GET", _ path: String, id: String, summary: String, tag: String, parameters: [APIParameter] = [],
        response: APISchema?, errors: [Int] = [400, 404, 503]
    ) {
        self.method = method
        self.path = path
        self.id = id
        self.summary = summary
        self.tag = tag
        self.parameters = parameters
        self.response = response
        self.errors = errors
    }
}

/// A path or query parameter with its schema (its bounds are the ones the handler enforces).
public struct APIParameter: Sendable {
    public enum Location: String, Sendable { case path, query, header }
    public var name: String
    public var location: Location
    public var required: Bool
    public var schema: APISchema
    public var description: String
    /// A value that finds something in the demo's data (`ops/demo`; `ops/api-fuzz` seeds the same ids).
    public var example: String?

    public init(_ name: String, in location: Location, required: Bool, schema: APISchema, _ description: String, example: String? = nil) {
        self.name = name
        self.location = location
        self.required = required
        self.schema = schema
        self.description = description
        self.example = example
    }

    /// An id in the path: any text an event may carry as an id (percent-encoded): no control characters, at most
    /// `TextRules.maxIdentifierBytes` UTF-8 bytes (a limit in bytes, which JSON Schema cannot say: `maxLength`
    /// counts characters, so a shorter id of wide characters may still be refused).
    public static func id(_ name: String, _ description: String, example: String? = nil) -> APIParameter {
        APIParameter(
            name, in: .path, required: true, schema: .identifier,
            description + " (1 to \(TextRules.maxIdentifierBytes) UTF-8 bytes, no control characters)", example: example)
    }
}
