import Events
import Foundation
import Hummingbird
import HummingbirdTesting
import Ingest
import Kafka
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
    static func post(_ client: any TestClientProtocol, _ body: String) async throws -> (HTTPResponse.Status, JSONValue) {
        let (status, buffer) = try await client.execute(uri: "/v1/events", method: .post, body: ByteBuffer(string: body)) {
            ($0.status, $0.body)
        }
        return (status, try json(buffer))
    }

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
        let records = try TopicReader.readAll(ns.topics.waitTimes, ns: ns)
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
}
