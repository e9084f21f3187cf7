import Events
import Foundation
import Hummingbird
import HummingbirdTesting
import Ingest
import Kafka
import Logging
import Processor
import QueryService
import Registry
import Testing
import TestSupport

/// `GET /v1/stream` on the real broker, read by a real HTTP client (`curl -N`): records produced to the derived
/// topics reach the clients whose filters want them; a client reconnecting with its last id gets exactly what it
/// missed, from the topics; an id it cannot honour gets a `reset`; a stalled client is cut off while the others
/// get everything.
@Suite("LiveStreamTests", .enabled(if: TestStack.enabled))
struct LiveStreamTests {
    /// A hub and `turnstile serve`'s stream route on a live port, for the namespace's topics.
    static func withStream(
        settings: StreamSettings = StreamSettings(),
        _ body: @Sendable (_ ns: TestNamespace, _ hub: StreamHub, _ url: String, _ producer: KafkaProducer) async throws -> Void
    ) async throws {
        let ns = try TestNamespace.make()
        defer { ns.drop() }
        let producer = try KafkaProducer(config: ns.kafka, logger: TestStack.logger)
        defer { producer.close() }
        // Listening as the read-only role, as `turnstile serve --query-database-url` does.
        let hub = StreamHub(
            topics: ns.topics, kafka: ns.kafka, streamed: ProjectionRegistry.streamed, changes: ProjectionRegistry.changes,
            databaseURL: QueryRole().url(from: ns.databaseURL), settings: settings, logger: TestStack.logger)
        let stream = StreamRoutes(stream: hub)
        let router = Router(context: BasicRequestContext.self)
        QueryService(routes: [], otherOperations: stream.operations, readiness: { [:] }, metrics: { "" }).addRoutes(to: router)
        stream.add(to: router)
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await hub.run() }
            defer {
                hub.stop()
                group.cancelAll()
            }
            try #require(await eventually(timeout: .seconds(60)) { hub.isReady })
            try await app.test(.live) { client in
                // The streams end before the server stops (as `turnstile serve` orders its services).
                defer { hub.stop() }
                let port = try #require(client.port)
                try await body(ns, hub, "http://127.0.0.1:\(port)/v1/stream", producer)
            }
        }
    }

    /// A derived record as a projection publishes it: keyed by its subject, its type in the header.
    static func derived(_ ns: TestNamespace, _ topic: Topic, subject: String, type: String, n: Int, partition: Int32 = 0, padding: Int = 0) -> KafkaOutgoingMessage {
        let value = #"{"subject":"\#(subject)","type":"\#(type)","n":\#(n),"pad":"\#(String(repeating: "x", count: padding))"}"#
        return KafkaOutgoingMessage(
            topic: ns.topics[topic], key: Array(subject.utf8), value: Array(value.utf8),
            headers: [KafkaHeader(key: EventEnvelope.typeHeader, value: Array(type.utf8))], partition: partition)
    }

    static func numbers(_ events: [ServerSentEventParser.Event]) -> [Int] {
        events.compactMap { e in
            guard let json = try? JSONParser.parse(Array(e.data.utf8)), let n = json["n"]?.doubleValue else { return nil }
            return Int(n)
        }
    }

    static let crowd = CrowdLevelChanged.eventType
    static let pit = PitStopCompleted.eventType

    @Test func eventsReachTheClientsWhoseFiltersWantThem() async throws {
        var settings = StreamSettings()
        settings.heartbeat = .seconds(1)
        try await Self.withStream(settings: settings) { ns, hub, url, producer in
            let park = try StreamClientProcess(url: url + "?park=p1")
            let crowdOnly = try StreamClientProcess(url: url + "?types=\(Self.crowd)")
            let session = try StreamClientProcess(url: url + "?session=s1&types=\(Self.pit)")
            defer { [park, crowdOnly, session].forEach { $0.close() } }
            try #require(await eventually(timeout: .seconds(30)) { [park, crowdOnly, session].allSatisfy { $0.events.first?.name == "ready" } })

            var messages: [KafkaOutgoingMessage] = []
            for n in 0..<30 {
                let (subject, partition) = n % 3 == 0 ? ("p2", Int32(1)) : ("p1", Int32(n % 2 == 0 ? 0 : 2))
                messages.append(Self.derived(ns, .parksCrowdLevels, subject: subject, type: Self.crowd, n: n, partition: partition))
            }
            messages.append(Self.derived(ns, .parksAttractionUpdates, subject: "p1", type: AttractionWaitUpdated.eventType, n: 100))
            messages.append(Self.derived(ns, .motorsportRaceEvents, subject: "s1", type: Self.pit, n: 200, partition: 3))
            messages.append(Self.derived(ns, .motorsportRaceEvents, subject: "s1", type: FastestLapSet.eventType, n: 201, partition: 3))
            messages.append(Self.derived(ns, .motorsportRaceEvents, subject: "s2", type: Self.pit, n: 202, partition: 3))
            // A type the topic does not declare is not forwarded.
            messages.append(Self.derived(ns, .parksCrowdLevels, subject: "p1", type: "parks.something.else", n: 300))
            _ = try await producer.send(messages)

            let p1 = (0..<30).filter { $0 % 3 != 0 }
            try #require(await eventually(timeout: .seconds(30)) { Self.numbers(park.events).count == p1.count + 1 })
            #expect(Set(Self.numbers(park.events)) == Set(p1 + [100]))
            #expect(park.events.dropFirst().allSatisfy { [Self.crowd, AttractionWaitUpdated.eventType].contains($0.name) })
            // Per partition, in log order.
            let p1Crowd = Self.numbers(park.events).filter { $0 < 100 }
            #expect(p1Crowd.filter { $0 % 2 == 0 } == p1.filter { $0 % 2 == 0 } && p1Crowd.filter { $0 % 2 == 1 } == p1.filter { $0 % 2 == 1 })

            try #require(await eventually(timeout: .seconds(30)) { Self.numbers(crowdOnly.events).count == 30 })
            try #require(await eventually(timeout: .seconds(30)) { Self.numbers(session.events) == [200] })
            // Each event carries the record's value as its data, and an id that names the client's position.
            let first = try #require(session.events.last)
            #expect(first.data.contains(#""subject":"s1""#) && StreamPosition(encoded: first.id)?.offsets.keys.sorted { $0.rawValue < $1.rawValue } == [.motorsportRaceEvents])
            // Nothing more comes (the other type, the other session, the undeclared type), but heartbeats do.
            try #require(await eventually(timeout: .seconds(10)) { session.comments.contains("heartbeat") })
            #expect(Self.numbers(session.events) == [200] && Self.numbers(crowdOnly.events).count == 30)
            #expect(hub.clientCount == 3)

            // The service stopping ends every stream (its HTTP server's graceful shutdown is not held by them).
            hub.stop()
            try #require(await eventually(timeout: .seconds(10)) { [park, crowdOnly, session].allSatisfy(\.isFinished) })
        }
    }

    @Test func aReconnectionGetsWhatItMissedWithoutGapOrRepeat() async throws {
        // One replay at a time: a second client reconnecting meanwhile waits its turn, and loses nothing by it.
        var settings = StreamSettings()
        settings.maxConcurrentReplays = 1
        try await Self.withStream(settings: settings) { ns, hub, url, producer in
            func batch(_ range: Range<Int>) -> [KafkaOutgoingMessage] {
                range.map { n in Self.derived(ns, .parksCrowdLevels, subject: n % 4 == 0 ? "p2" : "p1", type: Self.crowd, n: n, partition: Int32(n % 3)) }
            }
            let first = try StreamClientProcess(url: url + "?park=p1")
            try #require(await eventually(timeout: .seconds(30)) { first.events.first?.name == "ready" })
            _ = try await producer.send(batch(0..<20))
            let seen = (0..<20).filter { $0 % 4 != 0 }
            try #require(await eventually(timeout: .seconds(30)) { Self.numbers(first.events).count == seen.count })
            first.close()
            let last = try #require(first.events.last?.id)

            // Missed while away: on every partition, some for the other park.
            _ = try await producer.send(batch(20..<50))
            let missed = (20..<50).filter { $0 % 4 != 0 }
            let again = try StreamClientProcess(url: url + "?park=p1", lastEventID: last)
            let twin = try StreamClientProcess(url: url + "?park=p1", lastEventID: last)
            defer { [again, twin].forEach { $0.close() } }
            try #require(await eventually(timeout: .seconds(30)) { Self.numbers(again.events).count == missed.count })
            try #require(await eventually(timeout: .seconds(30)) { Self.numbers(twin.events).sorted() == missed })
            #expect(again.events.first?.name == "ready")
            #expect(Set(Self.numbers(again.events)) == Set(missed), "exactly the missed ones: \(Self.numbers(again.events))")
            // Then the live ones, once each.
            _ = try await producer.send(batch(50..<60))
            let live = (50..<60).filter { $0 % 4 != 0 }
            try #require(await eventually(timeout: .seconds(30)) { Self.numbers(again.events).count == missed.count + live.count })
            #expect(Self.numbers(again.events).sorted() == (missed + live).sorted())

            // The same id with other filters, or an id this service never gave: a reset, then the live events.
            let other = try StreamClientProcess(url: url + "?session=s1", lastEventID: last)
            let forged = try StreamClientProcess(url: url + "?park=p1", lastEventID: "AQ-not-an-id")
            defer { [other, forged].forEach { $0.close() } }
            try #require(await eventually(timeout: .seconds(30)) { other.events.first != nil && forged.events.first != nil })
            #expect(other.events.first?.name == "reset" && other.events.first?.data.contains("other filters") == true)
            #expect(forged.events.first?.name == "reset")
            _ = try await producer.send(batch(60..<64))
            try #require(await eventually(timeout: .seconds(30)) { Self.numbers(forged.events).sorted() == [61, 62, 63] })
        }
    }

    /// The whole way: a race produced to the raw topic, folded by the session projection in this process, its race
    /// events through the outbox and relay to their topic and on to the stream, and its leaderboard's changes
    /// announced at each commit.
    @Test func aRaceReachesTheStreamThroughTheProjection() async throws {
        try await Self.withStream { ns, hub, url, _ in
            let session = "race-\(ns.id)"
            let leaderboard = "motorsport.leaderboard.changed"
            let client = try StreamClientProcess(url: url + "?session=\(session)")
            let other = try StreamClientProcess(url: url + "?session=another&types=\(leaderboard)")
            defer { [client, other].forEach { $0.close() } }
            try #require(await eventually(timeout: .seconds(30)) { client.events.first?.name == "ready" && other.events.first?.name == "ready" })
            let events = RaceSimulator(.init(seed: 4, sessionID: session, cars: 6, laps: 5)).events()
            let outcome = try await ServiceRun.run(ns: ns, projections: ["motorsport_session"]) { _ in
                _ = try await PipelineRun.produce(events, ns: ns)
                return await (try? eventually(timeout: .seconds(90)) {
                    let names = Set(client.events.map(\.name))
                    return names.contains(leaderboard) && names.contains(FastestLapSet.eventType)
                }) ?? false
            }
            #expect(outcome.value, "events seen: \(Set(client.events.map(\.name)).sorted())")
            let change = try #require(client.events.first { $0.name == leaderboard })
            let json = try JSONParser.parse(Array(change.data.utf8))
            #expect(json["session_id"] == .string(session) && json["projection"] == .string("motorsport_session"))
            #expect(json["href"] == .string("/v1/sessions/\(session)/leaderboard"))
            let fastest = try #require(client.events.first { $0.name == FastestLapSet.eventType })
            #expect(try JSONParser.parse(Array(fastest.data.utf8))["type"] == .string(FastestLapSet.eventType), "the envelope as published")
            #expect(other.events.count == 1, "another session's client hears nothing of this one")

            // Back with its last id: told to reload the leaderboard (it may have changed meanwhile), nothing replayed twice.
            let last = try #require(client.events.last?.id)
            let back = try StreamClientProcess(url: url + "?session=\(session)", lastEventID: last)
            defer { back.close() }
            try #require(await eventually(timeout: .seconds(30)) { back.events.count >= 2 })
            #expect(back.events.map(\.name) == ["ready", leaderboard])
            #expect(hub.clientCount == 3)
        }
    }

    @Test func aStalledClientIsCutOffAndTheOthersGetEverything() async throws {
        var settings = StreamSettings()
        settings.clientBuffer = 2_000
        // The slow path only: on a loaded machine the write watchdog (30 s) could otherwise close it first.
        settings.stallTimeout = .seconds(600)
        try await Self.withStream(settings: settings) { ns, hub, url, producer in
            // A client that reads nothing, with a small receive window (so that the server's writes soon wait).
            let port = Int(url.split(separator: ":").last!.prefix { $0.isNumber })!
            let stalled = try StalledStreamClient(port: port, path: "/v1/stream?park=p1")
            let healthy = try StreamClientProcess(url: url + "?park=p1")
            defer { healthy.close() }
            try #require(await eventually(timeout: .seconds(30)) { healthy.events.first != nil && hub.clientCount == 2 })
            // Bursts the healthy client keeps up with, more in all than the stalled one's bound and socket hold.
            let count = 6_000
            for start in stride(from: 0, to: count, by: 250) {
                _ = try await producer.send((start..<start + 250).map {
                    Self.derived(ns, .parksCrowdLevels, subject: "p1", type: Self.crowd, n: $0, partition: Int32($0 % 3), padding: 1_000)
                })
                try await Task.sleep(for: .milliseconds(100))
            }
            try #require(await eventually(timeout: .seconds(60), every: .milliseconds(200)) { healthy.events.count == count + 1 },
                         "the healthy client has \(healthy.events.count) events, the last \(healthy.events.last?.name ?? "-"); the hub has \(hub.clientCount) clients")
            #expect(Set(Self.numbers(healthy.events)) == Set(0..<count), "the healthy client got everything")
            // The stalled one was let go of: what it reads now ends with why, and the server closes it.
            try #require(await eventually(timeout: .seconds(30)) { hub.clientCount == 1 })
            let text = try await stalled.readToEnd()
            var parser = ServerSentEventParser()
            parser.feed(Array(text.utf8))
            let last = try #require(parser.events.last)
            #expect(last.name == "dropped" && last.data.contains("2000 events behind"), "\(last)")
            let got = Set(Self.numbers(parser.events))
            #expect(got.count < count)
            // Its id resumes it with nothing lost and nothing twice.
            let resumed = try StreamClientProcess(url: url + "?park=p1", lastEventID: last.id)
            defer { resumed.close() }
            try #require(await eventually(timeout: .seconds(60), every: .milliseconds(200)) { got.count + resumed.events.count - 1 >= count })
            #expect(got.union(Self.numbers(resumed.events)) == Set(0..<count))
            #expect(got.isDisjoint(with: Self.numbers(resumed.events)), "no event twice")
        }
    }
}

/// An HTTP client on a raw socket with a small receive buffer, that reads nothing until asked to.
final class StalledStreamClient: Sendable {
    let fd: Int32

    init(port: Int, path: String) throws {
        // A small receive buffer set before connecting: the window it announces stays small.
        fd = try LoopbackSocket.connect(port: port, receiveBufferBytes: 4_096, timeoutSeconds: 60)
        try LoopbackSocket.send(fd, Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\nConnection: close\r\n\r\n".utf8))
    }

    deinit { close(fd) }

    /// Everything until the server closes the connection: the answer's body, its chunk framing removed.
    func readToEnd() async throws -> String {
        let fd = self.fd
        let raw = try await BlockingThread.run(name: "stalled-client") { () -> [UInt8] in
            var answer: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if n < 0 { throw LoopbackSocketError(step: "recv") }
                if n == 0 { break }
                answer.append(contentsOf: buffer[0..<n])
            }
            return answer
        }
        return Self.dechunk(raw)
    }

    /// The body of an HTTP/1.1 answer with chunked transfer coding.
    static func dechunk(_ raw: [UInt8]) -> String {
        let text = String(decoding: raw, as: UTF8.self)
        guard let head = text.range(of: "\r\n\r\n") else { return "" }
        var rest = Substring(text[head.upperBound...]).utf8
        var body: [UInt8] = []
        while let lineEnd = rest.firstRange(of: "\r\n".utf8) {
            let size = Int(String(decoding: rest[..<lineEnd.lowerBound], as: UTF8.self), radix: 16) ?? 0
            let start = lineEnd.upperBound
            guard size > 0, let end = rest.index(start, offsetBy: size, limitedBy: rest.endIndex) else { break }
            body.append(contentsOf: rest[start..<end])
            rest = rest[end...].dropFirst(2)
        }
        return String(decoding: body, as: UTF8.self)
    }
}
