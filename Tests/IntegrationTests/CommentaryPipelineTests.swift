import Events
import Foundation
import Hummingbird
import HummingbirdTesting
import Ingest
import Postgres
import Processor
import Projections
import QueryService
import Registry
import TestSupport
import Testing

/// Race commentary end to end on the real broker and database: a simulated race's timing in, the same lines
/// as a pure fold of it in the table, on the commentary topic and from `GET /v1/sessions/{session}/commentary`.
@Suite("CommentaryPipelineTests", .enabled(if: TestStack.enabled))
struct CommentaryPipelineTests {
    @Test func aSimulatedRaceIsToldAsThePureFoldTellsItAndServedNewestLast() async throws {
        let ns = try TestNamespace.make()
        defer { ns.drop() }
        let sessionID = "talk-\(ns.id)"
        let race = RaceSimulator(.init(seed: 31, sessionID: sessionID, cars: 8, laps: 12)).events()
        let timing = race.filter { $0.type != CarSample.eventType }
        #expect(timing.contains { $0.type == DriverIdentified.eventType })

        // What a pure fold of the same timing says.
        let projection = CommentaryProjection(topics: ns.topics)
        var state: CommentaryState?
        var expected: [CommentaryRow] = [], derived: [DerivedEvent] = []
        for e in timing { projection.fold(&state, try projection.decode(e), rows: &expected, derived: &derived) }
        #expect(expected.count >= 10, "a race of 8 cars over 12 laps says more than that")
        #expect(expected.contains { $0.line.text.contains("#8") }, "the car nobody named goes by its number")
        #expect(expected.contains { $0.line.kind == .retirement } && expected.contains { $0.line.kind == .tyres })

        let produced = try await PipelineRun.produce(timing, ns: ns)
        let s = try ns.session()
        defer { s.close() }
        let outcome = try await ServiceRun.run(ns: ns, projections: ["motorsport_commentary"], maxBatch: 7) { _ in
            try await eventually(timeout: .seconds(120)) {
                let outbox = try s.execute("SELECT count(*) FROM turnstile_outbox").int(0, 0) ?? -1
                return try PipelineRun.folded(s, projection: "motorsport_commentary", topic: ns.topics[.motorsportTiming])
                    == Int64(produced[ns.topics[.motorsportTiming]] ?? -1) && outbox == 0
            }
        }
        #expect(outcome.value, "the commentary did not catch up")

        let r = try s.execute("SELECT line_id, text, kind, priority FROM commentary WHERE session_id = $1 ORDER BY time, line_id", [.text(sessionID)])
        let stored = (0..<r.rowCount).map { "\(r.string($0, 0) ?? "") \(r.string($0, 2) ?? "")/\(r.string($0, 3) ?? "") \(r.string($0, 1) ?? "")" }
        let pure = expected.sorted { ($0.time, $0.id) < ($1.time, $1.id) }
            .map { "\($0.id) \($0.line.kind.rawValue)/\($0.line.priority.rawValue) \($0.line.text)" }
        #expect(stored == pure)
        let published = try await TopicReader.readAll(ns.topics[.motorsportCommentary], ns: ns)
        #expect(Set(try published.map { try EventEnvelope.decode($0.value).id }) == Set(expected.map(\.id)))

        // The read endpoint, over the registered routes.
        let inOrder = expected.sorted { ($0.time, $0.id) < ($1.time, $1.id) }
        let pool = PGPool(url: ns.databaseURL, maxConnections: 2, logger: TestStack.logger)
        let app = buildQueryApplication(QueryService(pool: pool, readiness: { [:] }, metrics: { "" }), logger: TestStack.logger)
        try await app.test(.router) { client in
            func get(_ uri: String) async throws -> (HTTPResponse.Status, JSONValue) { try await client.getChecked(uri) }
            func texts(_ body: JSONValue) -> [String] { body["lines"]?.arrayValue?.compactMap { $0["text"]?.stringValue } ?? [] }
            let (status, all) = try await get("/v1/sessions/\(sessionID)/commentary?limit=1000")
            #expect(status == .ok)
            #expect(texts(all) == inOrder.map(\.line.text))
            #expect(all["truncated"] == .bool(false))
            #expect(all["lines"]?.arrayValue?.first?["priority"]?.stringValue != nil)
            // Without `since`: the newest, newest last.
            let (_, newest) = try await get("/v1/sessions/\(sessionID)/commentary?limit=3")
            #expect(texts(newest) == inOrder.suffix(3).map(\.line.text))
            #expect(newest["truncated"] == .bool(true))
            // With `since`: what came after, oldest first, as a client polling forward reads it.
            let cut = inOrder[inOrder.count / 2].time
            let (_, after) = try await get("/v1/sessions/\(sessionID)/commentary?since=\(cut.iso8601)&limit=2")
            #expect(texts(after) == Array(inOrder.filter { $0.time > cut }.prefix(2).map(\.line.text)))
            for (uri, field) in [("commentary?limit=0", "limit"), ("commentary?limit=x", "limit"), ("commentary?since=soon", "since")] {
                let (bad, body) = try await get("/v1/sessions/\(sessionID)/\(uri)")
                #expect(bad == .badRequest && body["error"]?["field"] == .string(field), "\(uri)")
            }
            let (unknown, body) = try await get("/v1/sessions/no-such-session/commentary")
            #expect(unknown == .notFound && body["error"]?["field"] == .string("session_id"))
        }
        await pool.close()
    }
}
