import Events
import Foundation
import Ingest
import Kafka
import Postgres
import Processor
import TestSupport
import Testing

/// The parks pipeline end to end on the real broker and database.
@Suite("ParksPipelineTests", .enabled(if: TestStack.enabled), .serialized)
struct ParksPipelineTests {
    /// Derived crowd events, read back from their topic, deduplicated by id: per park each one must follow
    /// the previous (nothing lost, nothing applied twice) and the last must be the park's current level.
    static func checkCrowdEventChain(ns: TestNamespace, session: PGSession) async throws {
        let records = try await TopicReader.readAll(ns.topics[.parksCrowdLevels], ns: ns)
        var seen = Set<String>()
        var chains: [String: [CrowdLevelChanged]] = [:]
        for r in records.sorted(by: { ($0.partition, $0.offset) < ($1.partition, $1.offset) }) {
            let e = try EventEnvelope.decode(r.value)
            guard seen.insert(e.id).inserted else { continue }
            let c = try e.decode(CrowdLevelChanged.self)
            chains[c.parkID, default: []].append(c)
        }
        #expect(!chains.isEmpty, "no crowd level was ever derived")
        let current = try ProjectionSnapshot(session).crowd
        for (park, chain) in chains {
            #expect(chain.first?.previousLevel == nil, "\(park) starts from \(String(describing: chain.first?.previousLevel))")
            for (a, b) in zip(chain, chain.dropFirst()) {
                #expect(b.previousLevel == a.level, "\(park): \(a.level) followed by a change from \(String(describing: b.previousLevel))")
                #expect(b.level != a.level, "\(park): a change to the same level \(a.level)")
            }
            #expect(chain.last?.level.rawValue == current[park]?.level, "\(park) last derived level is not the current one")
        }
    }

    @Test func simulatedEventsProjectExactlyAsComputedIndependently() async throws {
        let ns = try TestNamespace.make()
        defer { ns.drop() }
        let events = ParkSimulator(.init(seed: 42, parks: 3, attractionsPerPark: 12)).events(count: 6_000)
        let expected = ExpectedParks(events)
        let produced = try await PipelineRun.produce(events, ns: ns)
        let s = try ns.session()
        defer { s.close() }
        let done = try await PipelineRun.runInProcess(ns: ns, timeout: .seconds(180)) {
            try await PipelineRun.caughtUp(s, ns: ns, produced: produced, expected: expected)
        }
        #expect(done, "the pipeline did not catch up")
        #expect(try ProjectionSnapshot(s).differences(from: expected) == [])
        try await Self.checkCrowdEventChain(ns: ns, session: s)
    }

    @Test func killNineMidStreamLosesNothingAndCountsNothingTwice() async throws {
        let ns = try TestNamespace.make()
        defer { ns.drop() }
        let events = ParkSimulator(.init(seed: 7, parks: 4, attractionsPerPark: 15)).events(count: 20_000)
        let expected = ExpectedParks(events)
        let produced = try await PipelineRun.produce(events, ns: ns)
        let total = Int64(produced[ns.topics[.parksWaitTimes]] ?? 0)
        let s = try ns.session()
        defer { s.close() }
        // Kill at three points of the stream, each time a bit further.
        for (round, fraction) in [0.15, 0.4, 0.7].enumerated() {
            let p = try ProcessorProcess(ns: ns, name: "kill\(round)")
            let reached = try await eventually(timeout: .seconds(120), every: .milliseconds(2)) {
                try PipelineRun.folded(s, projection: "parks_wait_times", topic: ns.topics[.parksWaitTimes]) >= Int64(Double(total) * fraction)
            }
            p.kill9()
            #expect(reached, "round \(round) made no progress; log: \(p.log.suffix(2000))")
        }
        let last = try ProcessorProcess(ns: ns, name: "final")
        let done = try await eventually(timeout: .seconds(180)) {
            try await PipelineRun.caughtUp(s, ns: ns, produced: produced, expected: expected)
        }
        let status = last.terminate()
        #expect(done, "did not catch up after the kills; log: \(last.log.suffix(2000))")
        #expect(status == 0, "SIGTERM must finish the batch, leave the group and exit 0; log: \(last.log.suffix(2000))")
        #expect(try ProjectionSnapshot(s).differences(from: expected) == [])
        try await Self.checkCrowdEventChain(ns: ns, session: s)
    }

    @Test func twoProcessorsSplitThePartitionsAndAgree() async throws {
        let ns = try TestNamespace.make()
        defer { ns.drop() }
        let events = ParkSimulator(.init(seed: 11, parks: 4, attractionsPerPark: 10)).events(count: 8_000)
        let expected = ExpectedParks(events)
        let produced = try await PipelineRun.produce(events, ns: ns)
        let s = try ns.session()
        defer { s.close() }
        let a = try ProcessorProcess(ns: ns, name: "a")
        let b = try ProcessorProcess(ns: ns, name: "b")
        let done = try await eventually(timeout: .seconds(180)) {
            try await PipelineRun.caughtUp(s, ns: ns, produced: produced, expected: expected)
        }
        let statusA = a.terminate(), statusB = b.terminate()
        #expect(done, "did not catch up; logs:\n\(a.log.suffix(1500))\n\(b.log.suffix(1500))")
        #expect(statusA == 0 && statusB == 0)
        #expect(try ProjectionSnapshot(s).differences(from: expected) == [])
        // Both members owned part of the raw topic at the end, and together all of it.
        let finalA = Self.lastAssignment(a.log, projection: "parks_wait_times")
        let finalB = Self.lastAssignment(b.log, projection: "parks_wait_times")
        #expect(!finalA.isEmpty && !finalB.isEmpty, "A: \(finalA) B: \(finalB)")
        #expect(finalA.isDisjoint(with: finalB))
        #expect(finalA.union(finalB).count == 6)
    }

    /// Partitions of the last "partitions assigned" line of a projection in a processor's log.
    static func lastAssignment(_ log: String, projection: String) -> Set<String> {
        let line = log.split(separator: "\n").last {
            $0.contains("[Processor] partitions assigned") && $0.contains("projection=\(projection)")
        }
        guard let line, let open = line.range(of: "partitions=["), let close = line[open.upperBound...].range(of: "] ") else { return [] }
        // Quoted names: ["t1.parks.wait-times[0]", …]
        return Set(line[open.upperBound..<close.lowerBound].split(separator: "\"").filter { $0.contains("[") }.map(String.init))
    }

    @Test func malformedRecordsGoToTheDeadLetterTopicAndTheStreamMovesOn() async throws {
        let ns = try TestNamespace.make(partitions: 1)
        defer { ns.drop() }
        let valid = ParkSimulator(.init(seed: 3, parks: 1, attractionsPerPark: 5)).events(count: 200)
            .filter { $0.type == WaitTimeObserved.eventType }
        let t = "2024-05-20T10:00:00Z"
        let bad: [(value: String, field: String)] = [
            ("this is not json", ""),
            (#"{"type":"parks.wait_time.observed","schema_version":1,"event_time":"\#(t)","payload":{"attraction_id":"x","status":"OPERATING"}}"#, "payload.park_id"),
            (#"{"type":"parks.wait_time.observed","schema_version":9,"event_time":"\#(t)","payload":{"park_id":"p","attraction_id":"x","status":"OPERATING"}}"#, "schema_version"),
            (#"{"type":"parks.wait_time.observed","schema_version":1,"event_time":"\#(t)","payload":{"park_id":"p","attraction_id":"x","status":"OPERATING","wait_minutes":9999}}"#, "payload.wait_minutes"),
        ]
        // Valid and invalid records interleaved on one partition.
        var messages: [KafkaOutgoingMessage] = []
        var badOffsets: [Int] = []
        for (i, e) in valid.enumerated() {
            if i % 40 == 20, badOffsets.count < bad.count {
                badOffsets.append(messages.count)
                messages.append(KafkaOutgoingMessage(topic: ns.topics[.parksWaitTimes], key: Array("k".utf8), value: Array(bad[badOffsets.count - 1].value.utf8)))
            }
            messages.append(KafkaOutgoingMessage(topic: ns.topics[.parksWaitTimes], key: Array(e.key.utf8), value: e.encoded()))
        }
        #expect(badOffsets.count == bad.count)
        let producer = try KafkaProducer(config: ns.kafka, logger: TestStack.logger)
        _ = try await producer.send(messages)
        producer.close()

        let expected = ExpectedParks(valid)
        let s = try ns.session()
        defer { s.close() }
        let done = try await PipelineRun.runInProcess(ns: ns, timeout: .seconds(120)) {
            try await PipelineRun.caughtUp(s, ns: ns, produced: [ns.topics[.parksWaitTimes]: messages.count], expected: expected)
        }
        #expect(done)
        #expect(try ProjectionSnapshot(s).differences(from: expected) == [])

        let dead = try await TopicReader.readAll(ns.topics[.parksDeadLetters], ns: ns)
        #expect(dead.count == bad.count)
        for (record, (offset, original)) in zip(dead.sorted { $0.offset < $1.offset }, zip(badOffsets, bad)) {
            func header(_ key: String) -> String? {
                record.headers.first { $0.key == key }?.value.map { String(decoding: $0, as: UTF8.self) }
            }
            #expect(record.value == Array(original.value.utf8))
            #expect(header("turnstile.dlq.field") == original.field)
            #expect(!(header("turnstile.dlq.reason") ?? "").isEmpty)
            #expect(header("turnstile.dlq.topic") == ns.topics[.parksWaitTimes])
            #expect(header("turnstile.dlq.partition") == "0")
            #expect(header("turnstile.dlq.offset") == String(offset))
        }
    }
}
