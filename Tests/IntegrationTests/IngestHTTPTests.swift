import APIDescription
import Events
import Foundation
import Hummingbird
import HummingbirdTesting
import Ingest
import Kafka
import Postgres
import Processor
import QueryService
import Registry
import TestSupport
import Testing

/// `POST /v1/events` on a real broker.
@Suite("IngestHTTPTests", .enabled(if: TestStack.enabled))
struct IngestHTTPTests {
    static func event(_ park: String, _ ride: String, wait: Int, at time: String) -> String {
        #"{"type":"parks.wait_time.observed","schema_version":1,"source":"test","event_time":"\#(time)","payload":{"park_id":"\#(park)","attraction_id":"\#(ride)","wait_minutes":\#(wait),"status":"OPERATING"}}"#
    }

    func withApp(_ ns: TestNamespace, maxBody: Int = 1 << 20, _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let producer = try KafkaProducer(config: ns.kafka, logger: TestStack.logger)
        defer { producer.close() }
        let routes = IngestRoutes(
            publisher: EventPublisher(producer: producer, router: RawEventRouter(topics: ns.topics)), maxBodyBytes: maxBody,
            logger: TestStack.logger)
        let router = Router()
        routes.register(on: router)
        try await Application(router: router).test(.router) { client in try await body(client) }
    }

    static func json(_ buffer: ByteBuffer) throws -> JSONValue { try JSONParser.parse(Array(buffer.readableBytesView)) }

    /// Posts a body; returns the status and the parsed JSON answer.
    /// Every answer is also checked against what ingest declares of itself in `/openapi.json`.
    static func post(_ client: any TestClientProtocol, _ body: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> (HTTPResponse.Status, JSONValue) {
        let (status, buffer) = try await client.execute(uri: "/v1/events", method: .post, body: ByteBuffer(string: body)) {
            ($0.status, $0.body)
        }
        let answer = try json(buffer)
        let document = try JSONParser.parse(APIDocument(version: "test", operations: operations).json)
        let violations = APIDocumentValidator(document: document).violations(method: "POST", uri: "/v1/events", status: Int(status.code), body: answer)
        #expect(violations.isEmpty, "\(violations.prefix(5))", sourceLocation: sourceLocation)
        return (status, answer)
    }

    /// Ingest's operations (the body limit is only named in their text).
    static let operations = IngestRoutes.operations(maxBodyBytes: 1 << 20)

    @Test func acceptsValidLinesReportsBadOnesAndProducesKeyedRecords() async throws {
        let ns = try TestNamespace.make()
        defer { ns.drop() }
        let body = [
            Self.event("p1", "r1", wait: 10, at: "2024-05-23T10:00:00Z"),
            #"{"type":"parks.wait_time.observed","schema_version":1,"event_time":"2024-05-23T10:00:00Z","payload":{"park_id":"p1","attraction_id":"r2","status":"OPEN"}}"#,
            "",
            "{not json",
            Self.event("p1", "r3", wait: 25, at: "2024-05-23T10:05:00Z"),
        ].joined(separator: "\n")
        try await withApp(ns) { client in
            do {
                let (status, answer) = try await Self.post(client, body)
                #expect(status == .accepted)
                #expect(answer["accepted"] == .int(2))
                let errors = answer["errors"]?.arrayValue ?? []
                #expect(errors.map { $0["line"] } == [.int(2), .int(4)])
                #expect(errors.first?["field"] == .string("payload.status"))
            }
        }
        let records = try await TopicReader.readAll(ns.topics[.parksWaitTimes], ns: ns)
        #expect(records.count == 2)
        #expect(Set(records.compactMap { $0.key.map { String(decoding: $0, as: UTF8.self) } }) == ["p1/r1", "p1/r3"])
        for r in records {
            let e = try EventEnvelope.decode(r.value)
            #expect(try e.decode(WaitTimeObserved.self).parkID == "p1")
            #expect(e.source == "test")
        }
    }

    @Test func jsonArraysWork() async throws {
        let ns = try TestNamespace.make()
        defer { ns.drop() }
        let body = "[\(Self.event("p", "a", wait: 5, at: "2024-05-23T10:00:00Z")),\(Self.event("p", "b", wait: 5, at: "2024-05-23T10:00:00Z"))]"
        try await withApp(ns) { client in
            do {
                let (status, answer) = try await Self.post(client, body)
                #expect(status == .accepted)
                #expect(answer["accepted"] == .int(2))
            }
        }
    }

    @Test func nothingValidIs400NamingTheField() async throws {
        let ns = try TestNamespace.make()
        defer { ns.drop() }
        let body = #"{"type":"parks.wait_time.observed","schema_version":1,"event_time":"yesterday","payload":{}}"#
        try await withApp(ns) { client in
            do {
                let (status, answer) = try await Self.post(client, body)
                #expect(status == .badRequest)
                #expect(answer["error"]?["field"] == .string("event_time"))
                #expect(answer["accepted"] == .int(0))
            }
            do {
                let (status, answer) = try await Self.post(client, "  \n")
                #expect(status == .badRequest)
                #expect(answer["error"]?["code"] == .string("empty"))
            }
            let derived = #"{"type":"parks.crowd_level.changed","schema_version":1,"event_time":"2024-05-23T10:00:00Z","payload":{}}"#
            do {
                let (status, answer) = try await Self.post(client, derived)
                #expect(status == .badRequest)
                #expect(answer["error"]?["field"] == .string("type"))
            }
        }
    }

    @Test func oversizedBodyIs413() async throws {
        let ns = try TestNamespace.make()
        defer { ns.drop() }
        let line = Self.event("p", "a", wait: 5, at: "2024-05-23T10:00:00Z")
        let body = Array(repeating: line, count: 100).joined(separator: "\n")
        try await withApp(ns, maxBody: 4_096) { client in
            do {
                let (status, answer) = try await Self.post(client, body)
                #expect(status == .contentTooLarge)
                #expect(answer["error"]?["field"] == .string("body"))
            }
        }
    }

    // MARK: Regressions: what ingest accepted and no projection could take

    /// A raw wait-time event line with the given pieces (raw JSON texts).
    static func line(park: String = #""p1""#, attraction: String = #""ride""#, eventTime: String = "2024-05-24T12:01:00Z", extra: String = "") -> String {
        #"{"type":"parks.wait_time.observed","schema_version":1,"event_time":"\#(eventTime)",\#(extra)"payload":{"park_id":\#(park),"attraction_id":\#(attraction),"wait_minutes":15,"status":"OPERATING"}}"#
    }

    /// An attraction id holding bytes that are not UTF-8.
    static var invalidUTF8: [UInt8] {
        let parts = line(attraction: #""ride@@""#).components(separatedBy: "@@")
        return Array(parts[0].utf8) + [0xFF, 0xFE] + Array(parts[1].utf8)
    }

    static var hostileLines: [(body: [UInt8], field: String)] {
        let soon = Timestamp.now().adding(seconds: 3_600).iso8601
        return [
            (Array(line(attraction: #""ride\u0000x""#).utf8), "payload.attraction_id"),
            (Array(line(park: "\"" + String(repeating: "p", count: 100_000) + "\"").utf8), "payload.park_id"),
            (Array(line(attraction: "\"" + String(repeating: "r", count: 201) + "\"").utf8), "payload.attraction_id"),
            (Array(line(eventTime: "9999-12-31T23:59:59Z").utf8), "event_time"),
            (Array(line(eventTime: "0001-01-01T00:00:00Z").utf8), "event_time"),
            (Array(line(eventTime: "2024-02-30T12:00:00Z").utf8), "event_time"),
            (Array(line(eventTime: "2024-05-24T12:01:00").utf8), "event_time"),
            (Array(line(eventTime: soon).utf8), "event_time"),
            (Array(line(extra: #""ingest_time":"\#(soon)","#).utf8), "ingest_time"),
            (Array(line(extra: #""event_time":"2030-01-01T00:00:00Z","#).utf8), "event_time"),
            (Array(line(attraction: #""a","attraction_id":"b""#).utf8), "payload.attraction_id"),
            (invalidUTF8, "payload.attraction_id"),
        ]
    }

    @Test func whatIngestUsedToAcceptIsRefusedNamingTheField() async throws {
        let ns = try TestNamespace.make()
        defer { ns.drop() }
        try await withApp(ns) { client in
            for (body, field) in Self.hostileLines {
                let (status, buffer) = try await client.execute(uri: "/v1/events", method: .post, body: ByteBuffer(bytes: body)) {
                    ($0.status, $0.body)
                }
                let answer = try Self.json(buffer)
                #expect(status == .badRequest, "\(String(decoding: body.prefix(200), as: UTF8.self))")
                #expect(answer["error"]?["field"] == .string(field), "\(answer)")
                #expect(answer["errors"]?.arrayValue?.first?["field"] == .string(field))
            }
            // Just ahead of the clock (within the allowance) is fine.
            let (status, _) = try await Self.post(client, Self.line(eventTime: Timestamp.now().adding(seconds: 120).iso8601))
            #expect(status == .accepted)
        }
    }

    /// A chunked request whose body is not chunked is the client's error: 400 with a JSON error, never 500.
    @Test func brokenFramingIs400() async throws {
        let ns = try TestNamespace.make()
        defer { ns.drop() }
        let producer = try KafkaProducer(config: ns.kafka, logger: TestStack.logger)
        defer { producer.close() }
        let routes = IngestRoutes(publisher: EventPublisher(producer: producer, router: RawEventRouter(topics: ns.topics)), logger: TestStack.logger)
        let router = Router()
        routes.register(on: router)
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let request = "POST /v1/events HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Type: application/x-ndjson\r\n\r\n"
                + Self.line() + "\r\n"
            let answer = try RawHTTP.exchange(port: port, request: Array(request.utf8))
            #expect(answer.hasPrefix("HTTP/1.1 400"), "\(answer)")
            #expect(answer.contains(#""field":"body""#), "\(answer)")
        }
    }
}

/// One request written as raw bytes on a loopback socket, for framing no HTTP client would send.
enum RawHTTP {
    static func exchange(port: Int, request: [UInt8]) throws -> String {
        // Generous: with the whole suite running, the server's tasks can wait seconds for a thread.
        let fd = try LoopbackSocket.connect(port: port, timeoutSeconds: 90)
        defer { close(fd) }
        try LoopbackSocket.send(fd, request)
        var answer: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n <= 0 { break }
            answer.append(contentsOf: buffer[0..<n])
            // The whole answer is in once its body (JSON) is closed.
            if let text = String(validating: answer, as: UTF8.self), text.contains("\r\n\r\n"), text.hasSuffix("}") { break }
        }
        return String(decoding: answer, as: UTF8.self)
    }
}

/// Any id ingest accepts can be read back: path parameters are percent-decoded.
@Suite("IdReadBackTests", .enabled(if: TestStack.enabled))
struct IdReadBackTests {
    @Test func idsWithSpacesSlashesAndSymbolsAreReadBack() async throws {
        let ns = try TestNamespace.make(partitions: 1)
        defer { ns.drop() }
        let producer = try KafkaProducer(config: ns.kafka, logger: TestStack.logger)
        defer { producer.close() }
        let ingest = IngestRoutes(publisher: EventPublisher(producer: producer, router: RawEventRouter(topics: ns.topics)), logger: TestStack.logger)
        let pool = PGPool(url: ns.databaseURL, maxConnections: 2, logger: TestStack.logger)
        let service = QueryService(pool: pool, readiness: { [:] }, metrics: { "" })
        let app = buildQueryApplication(service, logger: TestStack.logger) { ingest.register(on: $0) }
        let park = "Park One ™", attraction = "ride/1 + ü?"
        try await app.test(.router) { client in
            let s = try ns.session()
            defer { s.close() }
            let body = #"{"type":"parks.wait_time.observed","schema_version":1,"event_time":"2024-05-24T12:01:00Z","payload":{"park_id":"\#(park)","attraction_id":"\#(attraction)","wait_minutes":15,"status":"OPERATING"}}"#
            let status = try await client.execute(uri: "/v1/events", method: .post, body: ByteBuffer(string: body)) { $0.status }
            #expect(status == .accepted)
            let outcome = try await ServiceRun.run(ns: ns, projections: ["parks_wait_times"]) { _ in
                try await eventually(timeout: .seconds(60)) {
                    try PipelineRun.folded(s, projection: "parks_wait_times", topic: ns.topics[.parksWaitTimes]) == 1
                }
            }
            #expect(outcome.value)
            let parkPath = "Park%20One%20%E2%84%A2", attractionPath = "ride%2F1%20%2B%20%C3%BC%3F"
            try await client.execute(uri: "/v1/parks/\(parkPath)/waits", method: .get) { response in
                #expect(response.status == .ok)
                let answer = try JSONParser.parse(Array(response.body.readableBytesView))
                #expect(answer["park_id"] == .string(park))
                #expect(answer["attractions"]?.arrayValue?.first?["attraction_id"] == .string(attraction), "\(answer)")
            }
            try await client.execute(
                uri: "/v1/parks/\(parkPath)/attractions/\(attractionPath)/history?from=2024-05-24T00:00:00Z&to=2024-05-25T00:00:00Z",
                method: .get
            ) { response in
                #expect(response.status == .ok, "\(String(buffer: response.body))")
            }
            // Broken escapes and ids no event can carry are the client's error.
            for bad in ["Park%2", "Park%FF", "Park%00x"] {
                let status = try await client.execute(uri: "/v1/parks/\(bad)/waits", method: .get) { $0.status }
                #expect(status == .badRequest, "\(bad)")
            }
        }
        await pool.close()
    }
}
