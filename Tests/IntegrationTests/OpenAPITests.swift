import APIDescription
import Events
import Foundation
import Hummingbird
import HummingbirdTesting
import Ingest
import Kafka
import Logging
import Postgres
import QueryService
import Registry
import Testing
import TestSupport

/// `/openapi.json` against the server `turnstile serve` builds: every route the router registers is an operation
/// of the document and every operation a route (walked both ways), each path's parameters are declared, every
/// `$ref` resolves. Real answers are checked against the document by the query and ingest tests' own request
/// helpers (`APIDocumentValidator`), on every request they make.
@Suite("OpenAPITests", .enabled(if: TestStack.enabled))
struct OpenAPITests {
    /// The router and document of `turnstile serve`: every registered projection's routes, the operational ones,
    /// `/openapi.json`, HTTP ingest, the live stream and the dashboard.
    static func withServer(_ body: @Sendable (_ routes: Set<String>, QueryService, any TestClientProtocol) async throws -> Void) async throws {
        let ns = try TestNamespace.make()
        defer { ns.drop() }
        let pool = PGPool(url: ns.databaseURL, maxConnections: 1, logger: TestStack.logger)
        let producer = try KafkaProducer(config: ns.kafka, logger: TestStack.logger)
        defer { producer.close() }
        let ingest = IngestRoutes(publisher: EventPublisher(producer: producer, router: RawEventRouter(topics: ns.topics)), logger: TestStack.logger)
        let stream = StreamRoutes(stream: StreamHub(
            topics: ns.topics, kafka: ns.kafka, streamed: ProjectionRegistry.streamed, changes: ProjectionRegistry.changes, logger: TestStack.logger))
        let service = QueryService(
            pool: pool, otherOperations: ingest.operations + stream.operations + DashboardRoutes.operations, readiness: { ["database": true] },
            metrics: { "" })
        let router = Router(context: BasicRequestContext.self)
        service.addRoutes(to: router)
        ingest.register(on: router)
        stream.add(to: router)
        DashboardRoutes(assets: .load()).add(to: router)
        let routes = Set(router.routes.map { "\($0.method.rawValue) \($0.path.description)" })
        do {
            try await Application(router: router).test(.router) { client in try await body(routes, service, client) }
        } catch {
            await pool.close()
            throw error
        }
        await pool.close()
    }

    @Test func everyRouteIsAnOperationAndEveryOperationARoute() async throws {
        try await Self.withServer { routes, service, _ in
            let documented = Set(service.document.operations.map { "\($0.method) \($0.path)" })
            #expect(routes.subtracting(documented).isEmpty, "routed, not in /openapi.json: \(routes.subtracting(documented).sorted())")
            #expect(documented.subtracting(routes).isEmpty, "in /openapi.json, not routed: \(documented.subtracting(routes).sorted())")
            #expect(!routes.isEmpty && documented.count == service.document.operations.count, "no operation twice")
        }
    }

    @Test func theServedDocumentIsWholeAndConsistent() async throws {
        try await Self.withServer { _, service, client in
            let (status, type, document) = try await client.execute(uri: "/openapi.json", method: .get) {
                ($0.status, $0.headers[.contentType] ?? "", try JSONParser.parse(Array($0.body.readableBytesView)))
            }
            #expect(status == .ok && type.hasPrefix("application/json"))
            #expect(document["openapi"] == .string("3.1.0") && document["info"]?["title"] == .string("Turnstile"))
            let operations = service.document.operations
            #expect(Set(operations.map(\.id)).count == operations.count, "operationIds are unique")
            for op in operations {
                // Each {name} of the path is a declared path parameter, and each path parameter is in the path.
                let inPath = Set(op.path.split(separator: "/").filter { $0.hasPrefix("{") }.map { String($0.dropFirst().dropLast()) })
                let declared = Set(op.parameters.filter { $0.location == .path }.map(\.name))
                #expect(inPath == declared, "\(op.method) \(op.path): path \(inPath.sorted()), declared \(declared.sorted())")
                let optionalInPath = op.parameters.filter { $0.location == .path && !$0.required }.map(\.name)
                #expect(optionalInPath.isEmpty, "\(op.path): path parameters are required")
                let served = document["paths"]?[op.path]?[op.method.lowercased()]
                #expect(served?["operationId"] == .string(op.id), "\(op.method) \(op.path) is served")
                #expect(served?["responses"]?[String(op.responseStatus)] != nil)
            }
            // Every $ref names a schema of components.
            let text = String(decoding: service.document.json, as: UTF8.self)
            let names = Set((document["components"]?["schemas"]?.objectValue ?? []).map(\.0))
            var refs = Set<String>()
            var rest = Substring(text)
            while let r = rest.range(of: "#/components/schemas/") {
                let tail = rest[r.upperBound...]
                refs.insert(String(tail.prefix { $0 != "\"" }))
                rest = tail
            }
            #expect(!refs.isEmpty && refs.isSubset(of: names), "unresolved: \(refs.subtracting(names).sorted())")
            // The validator finds templates as the router does: a literal segment before a capture.
            let validator = APIDocumentValidator(document: document)
            #expect(validator.template(of: "/v1/parks/p%2F1/crowd/history") == "/v1/parks/{park_id}/crowd/history")
            #expect(validator.template(of: "/v1/parks/p1/nowhere") == nil)
        }
    }
}

extension OpenAPITests {
    /// A method the document does not have on a path it has is a 405 naming the allowed ones (JSON and `Allow`);
    /// a path it does not have stays a 404.
    @Test func anUndeclaredMethodIs405WithAllow() async throws {
        try await Self.withServer { _, _, client in
            for (method, uri, allow) in [
                (HTTPRequest.Method.post, "/v1/parks/p1/waits", "GET"), (.delete, "/health", "GET"), (.get, "/v1/events", "POST"),
                (HTTPRequest.Method(rawValue: "TRACE")!, "/v1/facilities/f%2F1/stays", "GET"),
            ] {
                let (status, allowed, body) = try await client.execute(uri: uri, method: method) {
                    ($0.status, $0.headers[.allow], try JSONParser.parse(Array($0.body.readableBytesView)))
                }
                #expect(status == .methodNotAllowed && allowed == allow, "\(method) \(uri)")
                #expect(body["error"]?["code"] == .string("method_not_allowed") && body["error"]?["message"]?.stringValue?.contains(allow) == true)
            }
            let (status, _) = try await client.execute(uri: "/v1/nowhere", method: .post) { ($0.status, 0) }
            #expect(status == .notFound)
        }
    }

    /// README's endpoints table is `turnstile openapi --markdown`: the document's operations, nothing else.
    @Test func readmesEndpointsTableIsTheDocuments() async throws {
        try await Self.withServer { _, service, _ in
            let readme = try String(contentsOfFile: TestStack.repository + "/README.md", encoding: .utf8)
            let begin = try #require(readme.range(of: "<!-- endpoints:begin -->\n")), end = try #require(readme.range(of: "\n<!-- endpoints:end -->"))
            #expect(String(readme[begin.upperBound..<end.lowerBound]) == service.document.markdownTable, "regenerate it: turnstile openapi --markdown")
        }
    }
}

extension TestClientProtocol {
    /// GET `uri`: its status and JSON body, checked against this server's own `/openapi.json` (an answer the
    /// document does not allow fails the calling test, naming where).
    func getChecked(_ uri: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> (HTTPResponse.Status, JSONValue) {
        let (status, body) = try await execute(uri: uri, method: .get) { ($0.status, try JSONParser.parse(Array($0.body.readableBytesView))) }
        let violations = try await apiViolations(method: "GET", uri: uri, status: Int(status.code), body: body)
        #expect(violations.isEmpty, "\(violations.prefix(5))", sourceLocation: sourceLocation)
        return (status, body)
    }

    /// The violations of an answer to `method` `uri` against this server's own `/openapi.json`.
    func apiViolations(method: String, uri: String, status: Int, body: JSONValue) async throws -> [String] {
        let document = try await execute(uri: "/openapi.json", method: .get) { try JSONParser.parse(Array($0.body.readableBytesView)) }
        return APIDocumentValidator(document: document).violations(method: method, uri: uri, status: status, body: body)
    }
}
