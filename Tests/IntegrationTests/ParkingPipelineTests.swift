import Events
import Foundation
import Ingest
import Kafka
import Postgres
import Processor
import Projections
import TestSupport
import Testing

/// The parking projection end to end on the real broker and database.
@Suite("ParkingPipelineTests", .enabled(if: TestStack.enabled), .serialized)
struct ParkingPipelineTests {
    /// What an uninterrupted in-memory fold of every event makes (a replay of the whole stream).
    struct Expected {
        var states: [String: FacilityState] = [:]
        var history: [String] = []
        var stays: [String] = []
        var alerts: Set<String> = []
        var derived: Set<String> = []
        var forecastRows = 0
    }

    static func expected(_ events: [EventEnvelope]) throws -> Expected {
        let projection = ParkingProjection()
        var e = Expected()
        for event in events {
            let input = try projection.decode(event)
            let key = projection.stateKey(of: input)
            let r = projection.fold(e.states[key], input)
            e.states[key] = r.state
            e.derived.formUnion(r.derived.map(\.id))
            for row in r.rows {
                switch row {
                case .occupancy(let f, let time, let o): e.history.append(historyLine(f, time.microseconds, o.scope.rawValue, o.level, o.zone, [o.occupied, o.free, o.unknown, o.capacity]))
                case .stay(let s): e.stays.append("\(s.facilityID) \(s.spotID) \(s.start.microseconds) \(s.end.microseconds) \(s.seconds)")
                case .alert(let a): e.alerts.insert(a.event.id)
                case .forecast(_, _, _, let steps): e.forecastRows += steps.count
                default: break
                }
            }
        }
        e.history.sort()
        e.stays.sort()
        return e
    }

    static func historyLine(_ f: String, _ time: Int64, _ scope: String, _ level: String, _ zone: String, _ numbers: [Int]) -> String {
        "\(f) \(time) \(scope)/\(level)/\(zone) \(numbers.map(String.init).joined(separator: " "))"
    }

    @Test func killedMidStreamEveryTableEqualsAnUninterruptedFold() async throws {
        let ns = try TestNamespace.make()
        defer { ns.drop() }
        let parking = ns.topics
        // One spot-based garage with flapping, dead, repeated and late sensors; one counted by its gates.
        let run = GarageSimulator(.init(
            seed: 11, facilities: 2, levelsPerFacility: 2, zonesPerLevel: 2, spotsPerZone: 12,
            start: Timestamp(iso8601: "2024-05-20T05:00:00Z")!, hours: 14, flappingShare: 0.1, deadShare: 0.1,
            duplicateShare: 0.05, lateShare: 0.03, countBasedFacilities: 1)).run()
        let events = run.events
        let expected = try Self.expected(events)
        #expect(expected.states.count == 2)
        #expect(expected.alerts.count >= 3, "the script should raise offline and threshold alerts")
        #expect(!expected.stays.isEmpty)
        // The last 40 % is produced only after the kill, so the processor is mid-stream when it dies.
        let cut = events.count * 3 / 5
        let total = Int64(events.count)
        let firstPart = try await PipelineRun.produce(Array(events[..<cut]), ns: ns)
        #expect(firstPart[parking[.parkingSensors]] == cut)
        let s = try ns.session()
        defer { s.close() }

        let arguments = ["--projection", "parking_occupancy", "--max-batch", "20"]
        let first = try ProcessorProcess(ns: ns, name: "parking-kill", extraArguments: arguments)
        let reached = try await eventually(timeout: .seconds(120), every: .milliseconds(2)) {
            try PipelineRun.folded(s, projection: "parking_occupancy", topic: parking[.parkingSensors]) >= total * 2 / 5
        }
        first.kill9()
        #expect(reached, "no progress before the kill; log: \(first.log.suffix(2000))")
        let atKill = try PipelineRun.folded(s, projection: "parking_occupancy", topic: parking[.parkingSensors])
        #expect(atKill < total, "everything was folded before the kill: the test proves nothing")
        let rest = try await PipelineRun.produce(Array(events[cut...]), ns: ns)
        #expect(rest[parking[.parkingSensors]] == events.count - cut)

        let second = try ProcessorProcess(ns: ns, name: "parking-final", extraArguments: arguments)
        let done = try await eventually(timeout: .seconds(120)) {
            let outbox = try s.execute("SELECT count(*) FROM turnstile_outbox").int(0, 0) ?? -1
            return try PipelineRun.folded(s, projection: "parking_occupancy", topic: parking[.parkingSensors]) == total && outbox == 0
        }
        let status = second.terminate()
        #expect(done, "did not catch up; log: \(second.log.suffix(2000))")
        #expect(status == 0)

        // Fold state: restored from the table, it is the uninterrupted fold's.
        for (id, state) in expected.states {
            let text = try #require(try s.execute("SELECT state::text FROM parking_state WHERE facility_id = $1", [.text(id)]).string(0, 0))
            #expect(try FacilityState(json: try JSONParser.parse(text)) == state, "state of \(id)")
        }
        // Occupancy now and every change over time: each once, none lost.
        let current = try s.execute("SELECT facility_id, scope, level, zone, occupied, free, unknown, capacity FROM occupancy_current")
        let currentLines = try (0..<current.rowCount).map { row in
            "\(current.string(row, 0)!) \(current.string(row, 1)!)/\(current.string(row, 2)!)/\(current.string(row, 3)!) "
                + (try (4..<8).map { String(try current.int(row, $0)!) }.joined(separator: " "))
        }.sorted()
        let expectedCurrent = expected.states.flatMap { id, state in
            state.occupancy().map { "\(id) \($0.key) \($0.occupied) \($0.free) \($0.unknown) \($0.capacity)" }
        }.sorted()
        #expect(currentLines == expectedCurrent)
        let history = try s.execute(
            """
            SELECT facility_id, (extract(epoch FROM time) * 1000000)::bigint, scope, level, zone, occupied, free, unknown, capacity
            FROM occupancy_history
            """)
        let historyLines = try (0..<history.rowCount).map { row in
            Self.historyLine(history.string(row, 0)!, try history.int(row, 1)!, history.string(row, 2)!, history.string(row, 3)!,
                             history.string(row, 4)!, try (5..<9).map { Int(try history.int(row, $0)!) })
        }.sorted()
        #expect(historyLines.count == expected.history.count, "occupancy history rows lost or written twice")
        let missing = Set(expected.history).subtracting(historyLines), extra = Set(historyLines).subtracting(expected.history)
        #expect(missing.isEmpty && extra.isEmpty, "missing: \(missing.sorted().prefix(10)); extra: \(extra.sorted().prefix(10))")
        let stays = try s.execute(
            """
            SELECT facility_id, spot_id, (extract(epoch FROM started_at) * 1000000)::bigint,
                   (extract(epoch FROM ended_at) * 1000000)::bigint, duration_seconds FROM parking_stays
            """)
        let stayLines = try (0..<stays.rowCount).map { row in
            "\(stays.string(row, 0)!) \(stays.string(row, 1)!) \(try stays.int(row, 2)!) \(try stays.int(row, 3)!) \(try stays.int(row, 4)!)"
        }.sorted()
        #expect(stayLines == expected.stays)
        let forecasts = try s.execute("SELECT count(*) FROM occupancy_forecasts").int(0, 0)
        #expect(forecasts == Int64(expected.forecastRows))
        // Alerts: stored once each, and every derived event published.
        let alerts = try s.execute("SELECT count(*), count(DISTINCT event_id) FROM parking_alerts")
        #expect(try alerts.int(0, 0) == Int64(expected.alerts.count))
        #expect(try alerts.int(0, 1) == Int64(expected.alerts.count))
        var published = Set<String>()
        for topic in [parking[.parkingAlerts], parking[.parkingForecasts]] {
            for m in try await TopicReader.readAll(topic, ns: ns) { published.insert(try EventEnvelope.decode(m.value).id) }
        }
        #expect(published == expected.derived)
        // The sensors table agrees with the fold on who is offline.
        let offline = try s.execute("SELECT facility_id || '/' || sensor_id FROM parking_sensors WHERE offline_since IS NOT NULL")
        let offlineIDs = Set((0..<offline.rowCount).compactMap { offline.string($0, 0) })
        let expectedOffline = Set(expected.states.flatMap { id, st in
            st.spots.filter { $0.value.offlineSince != nil }.map { "\(id)/\($0.key)" }
                + st.gates.filter { $0.value.offlineSince != nil }.map { "\(id)/\($0.key)" }
        })
        #expect(offlineIDs == expectedOffline)
    }

    @Test func malformedParkingRecordsGoToItsDeadLetterTopicWithTheField() async throws {
        let ns = try TestNamespace.make(partitions: 1)
        defer { ns.drop() }
        let parking = ns.topics
        let valid = GarageSimulator(.init(seed: 4, facilities: 1, levelsPerFacility: 1, zonesPerLevel: 1, spotsPerZone: 6, hours: 2)).events()
        let t = "2024-05-20T10:00:00Z"
        let bad: [(value: String, field: String)] = [
            (#"{"type":"parking.spot.reading","schema_version":1,"event_time":"\#(t)","payload":{"facility_id":"garage-1","spot_id":"x","occupied":"yes"}}"#, "payload.occupied"),
            (#"{"type":"parking.facility.layout","schema_version":1,"event_time":"\#(t)","payload":{"facility_id":"garage-1","areas":[{"capacity":5}],"alert_up_percent":70,"alert_down_percent":75}}"#, "payload.alert_down_percent"),
            (#"{"type":"parking.gate.passed","schema_version":1,"event_time":"\#(t)","payload":{"facility_id":"garage-1","gate_id":"g","direction":"sideways"}}"#, "payload.direction"),
            (#"{"type":"parks.wait_time.observed","schema_version":1,"event_time":"\#(t)","payload":{"park_id":"p","attraction_id":"x","status":"OPERATING"}}"#, "type"),
        ]
        var messages: [KafkaOutgoingMessage] = []
        var badOffsets: [Int] = []
        for (i, e) in valid.enumerated() {
            if i % 20 == 10, badOffsets.count < bad.count {
                badOffsets.append(messages.count)
                messages.append(KafkaOutgoingMessage(topic: parking[.parkingSensors], key: Array("garage-1".utf8), value: Array(bad[badOffsets.count - 1].value.utf8)))
            }
            messages.append(KafkaOutgoingMessage(topic: parking[.parkingSensors], key: Array(e.key.utf8), value: e.encoded()))
        }
        #expect(badOffsets.count == bad.count)
        let producer = try KafkaProducer(config: ns.kafka, logger: TestStack.logger)
        _ = try await producer.send(messages)
        producer.close()

        let s = try ns.session()
        defer { s.close() }
        let p = try ProcessorProcess(ns: ns, name: "parking-dlq", extraArguments: ["--projection", "parking_occupancy"])
        let done = try await eventually(timeout: .seconds(120)) {
            try PipelineRun.folded(s, projection: "parking_occupancy", topic: parking[.parkingSensors]) == Int64(messages.count)
        }
        #expect(p.terminate() == 0)
        #expect(done, "log: \(p.log.suffix(2000))")
        // The valid events folded as if the bad ones were never there.
        let expected = try Self.expected(valid)
        let text = try #require(try s.execute("SELECT state::text FROM parking_state WHERE facility_id = 'garage-1'").string(0, 0))
        #expect(try FacilityState(json: try JSONParser.parse(text)) == expected.states["garage-1"])

        let dead = try await TopicReader.readAll(parking[.parkingDeadLetters], ns: ns)
        #expect(dead.count == bad.count)
        for (record, (offset, original)) in zip(dead.sorted { $0.offset < $1.offset }, zip(badOffsets, bad)) {
            func header(_ key: String) -> String? {
                record.headers.first { $0.key == key }?.value.map { String(decoding: $0, as: UTF8.self) }
            }
            #expect(record.value == Array(original.value.utf8))
            #expect(header("turnstile.dlq.field") == original.field)
            #expect(!(header("turnstile.dlq.reason") ?? "").isEmpty)
            #expect(header("turnstile.dlq.topic") == parking[.parkingSensors])
            #expect(header("turnstile.dlq.offset") == String(offset))
        }
    }
}
