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
import Synchronization
import TestSupport
import Testing

/// No record stops a projection: hostile records written straight to each projection's input topic (any
/// Kafka producer can) go to its dead-letter topic with a reason naming the field, every valid record around
/// them is folded, and no worker ever goes down. Records the database refuses are found and dead-lettered too.
@Suite("PoisonRecordTests", .enabled(if: TestStack.enabled), .serialized)
struct PoisonRecordTests {
    /// A record to produce, and for a hostile one the field its dead letter must name (nil: any non-empty
    /// reason will do, e.g. for truncated JSON).
    struct Planted {
        var key: [UInt8]
        var value: [UInt8]
        var hostile: Bool
        var field: String?
    }

    /// The envelope of `e` with its payload members replaced or added (raw JSON texts) and its event time.
    static func envelope(_ e: EventEnvelope, members: [(String, String)] = [], eventTime: String? = nil, extra: String = "") -> [UInt8] {
        var payload = "{"
        var first = true
        func member(_ name: String, _ raw: String) {
            payload += (first ? "" : ",") + "\"\(name)\":" + raw
            first = false
        }
        var replaced = Set<String>()
        for (name, value) in e.payload.objectValue ?? [] {
            if let raw = members.first(where: { $0.0 == name })?.1 {
                member(name, raw)
                replaced.insert(name)
            } else {
                var w = JSONWriter()
                w.value(value)
                member(name, String(decoding: w.bytes, as: UTF8.self))
            }
        }
        for (name, raw) in members where !replaced.contains(name) { member(name, raw) }
        payload += extra + "}"
        let text = #"{"id":"\#(e.id)","type":"\#(e.type)","schema_version":\#(e.schemaVersion),"source":"hostile","key":"k","event_time":"\#(eventTime ?? e.eventTime.iso8601)","ingest_time":"\#(e.ingestTime.iso8601)","payload":\#(payload)}"#
        // A marker stands for bytes no Swift string holds: invalid UTF-8.
        return Array(text.utf8).replacing(Array("@INVALID@".utf8), with: [0x72, 0xFF, 0xFE, 0x69])
    }

    /// Every hostile variant of `sample`: NUL and control characters and huge values in each string field,
    /// invalid UTF-8, duplicate keys, times in years 0001 and 9999 and on no calendar day, a number beyond
    /// its column, deep nesting, truncated JSON.
    static func hostile(_ sample: EventEnvelope, strings: [String], number: (name: String, raw: String)) -> [Planted] {
        var out: [Planted] = []
        func add(_ value: [UInt8], _ field: String?, key: [UInt8] = Array("k".utf8)) {
            out.append(Planted(key: key, value: value, hostile: true, field: field))
        }
        for name in strings {
            add(envelope(sample, members: [(name, #""x\u0000y""#)]), "payload.\(name)")
            add(envelope(sample, members: [(name, #""a\u0001b""#)]), "payload.\(name)")
            add(envelope(sample, members: [(name, "\"" + String(repeating: "k", count: 100_000) + "\"")]), "payload.\(name)",
                key: Array(repeating: UInt8(ascii: "k"), count: 100_000))
            add(envelope(sample, members: [(name, #""@INVALID@""#)]), "payload.\(name)")
            add(envelope(sample, members: [(name, #""once""#)], extra: ",\"\(name)\":\"again\""), "payload.\(name)")
        }
        add(envelope(sample, eventTime: "0001-01-01T00:00:00Z"), "event_time")
        add(envelope(sample, eventTime: "9999-12-31T23:59:59Z"), "event_time")
        add(envelope(sample, eventTime: "2024-02-30T12:00:00Z"), "event_time")
        add(envelope(sample, eventTime: "2024-05-24T12:01:00"), "event_time")
        add(envelope(sample, members: [(number.name, number.raw)]), "payload.\(number.name)")
        add(envelope(sample, members: [(number.name, "99999999999999999999999")]), "payload.\(number.name)")
        add(envelope(sample, members: [("deep", String(repeating: "[", count: 80) + String(repeating: "]", count: 80))]), nil)
        let whole = envelope(sample)
        add(Array(whole.prefix(whole.count / 2)), nil)
        add(Array("not json at all".utf8), nil)
        return out
    }

    /// Interleaves `hostile` among `valid` (every few valid records one hostile one).
    static func interleave(_ valid: [EventEnvelope], _ hostile: [Planted]) -> [Planted] {
        var out: [Planted] = []
        var pending = hostile[...]
        for (i, e) in valid.enumerated() {
            out.append(Planted(key: Array(e.key.utf8), value: e.encoded(), hostile: false, field: nil))
            if i % 3 == 1, let next = pending.popFirst() { out.append(next) }
        }
        out.append(contentsOf: pending)
        return out
    }

    /// Produces `planted` to `topic` (one partition: offsets are positions in `planted`), runs `projection`
    /// until it has stored an offset past every record, and checks the dead letters against the hostile ones.
    static func check(
        _ projection: String, topic: String, deadLetters: String, planted: [Planted], ns: TestNamespace,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let producer = try KafkaProducer(config: ns.kafka, logger: TestStack.logger)
        _ = try await producer.send(planted.map { KafkaOutgoingMessage(topic: topic, key: $0.key, value: $0.value) })
        producer.close()

        let s = try ns.session()
        defer { s.close() }
        let stayedUp = Mutex(true)
        let outcome = try await ServiceRun.run(ns: ns, projections: [projection], maxBatch: 500) { health in
            try await eventually(timeout: .seconds(120)) {
                if !health.allUp { stayedUp.withLock { $0 = false } }
                return try PipelineRun.folded(s, projection: projection, topic: topic) == Int64(planted.count)
                    && (try s.execute("SELECT count(*) FROM turnstile_outbox").int(0, 0) ?? -1) == 0
            }
        }
        #expect(outcome.value, "\(projection) did not get past every record", sourceLocation: sourceLocation)
        #expect(outcome.error == nil, "\(String(describing: outcome.error))", sourceLocation: sourceLocation)
        #expect(stayedUp.withLock { $0 }, "a worker went down", sourceLocation: sourceLocation)

        let dead = try await TopicReader.readAll(deadLetters, ns: ns).filter { record in
            record.headers.contains { $0.key == "turnstile.dlq.topic" && $0.value == Array(topic.utf8) }
        }
        func header(_ record: KafkaMessage, _ key: String) -> String? {
            record.headers.first { $0.key == key }?.value.map { String(decoding: $0, as: UTF8.self) }
        }
        var byOffset: [Int: KafkaMessage] = [:]
        for record in dead { byOffset[Int(header(record, "turnstile.dlq.offset") ?? "") ?? -1] = record }
        let hostileOffsets = Set(planted.indices.filter { planted[$0].hostile })
        #expect(Set(byOffset.keys) == hostileOffsets, "dead letters at the wrong offsets", sourceLocation: sourceLocation)
        for offset in hostileOffsets.sorted() {
            guard let record = byOffset[offset] else { continue }
            #expect(record.value == planted[offset].value, "offset \(offset): the dead letter must carry the original bytes", sourceLocation: sourceLocation)
            #expect(!(header(record, "turnstile.dlq.reason") ?? "").isEmpty, sourceLocation: sourceLocation)
            if let field = planted[offset].field {
                #expect(header(record, "turnstile.dlq.field") == field, "offset \(offset): \(header(record, "turnstile.dlq.reason") ?? "")", sourceLocation: sourceLocation)
            }
        }
    }

    @Test func hostileWaitTimesAreDeadLetteredAndTheRestFolded() async throws {
        let ns = try TestNamespace.make(partitions: 1)
        defer { ns.drop() }
        let valid = ParkSimulator(.init(seed: 11, parks: 1, attractionsPerPark: 4)).events(count: 200)
            .filter { $0.type == WaitTimeObserved.eventType }
        let sample = try #require(valid.first)
        let planted = Self.interleave(valid, Self.hostile(sample, strings: ["park_id", "attraction_id", "attraction_name", "time_zone"], number: ("wait_minutes", "601")))
        try await Self.check("parks_wait_times", topic: ns.topics[.parksWaitTimes], deadLetters: ns.topics[.parksDeadLetters], planted: planted, ns: ns)
        let s = try ns.session()
        defer { s.close() }
        #expect(try s.execute("SELECT count(*) FROM wait_times").int(0, 0) == Int64(valid.count))
    }

    @Test func hostileAttractionUpdatesAreDeadLetteredAndTheRestFolded() async throws {
        let ns = try TestNamespace.make(partitions: 1)
        defer { ns.drop() }
        let t0 = Timestamp(iso8601: "2024-05-24T12:00:00Z")!
        let valid = (0..<60).map { i in
            EventEnvelope(
                AttractionWaitUpdated(
                    parkID: "p1", attractionID: "a\(i % 5)", waitMinutes: 10 + i % 30, status: .operating, baselineP50: 20,
                    observedAt: t0.adding(seconds: Int64(i) * 60)),
                id: "u\(i)", source: "test", eventTime: t0.adding(seconds: Int64(i) * 60))
        }
        let planted = Self.interleave(valid, Self.hostile(valid[0], strings: ["park_id", "attraction_id"], number: ("wait_minutes", "9223372036854775807")))
        try await Self.check("parks_crowd", topic: ns.topics[.parksAttractionUpdates], deadLetters: ns.topics[.parksDeadLetters], planted: planted, ns: ns)
    }

    @Test func hostileTimingAndTelemetryAreDeadLetteredAndTheRestFolded() async throws {
        let ns = try TestNamespace.make(partitions: 1)
        defer { ns.drop() }
        let motorsport = ns.topics
        let race = RaceSimulator(.init(seed: 2, sessionID: "race-\(ns.id)", cars: 3, laps: 4, telemetryHz: 1)).events()
        let timing = race.filter { $0.type != CarSample.eventType }
        let samples = Array(race.filter { $0.type == CarSample.eventType }.prefix(150))
        let lap = try #require(timing.first { $0.type == LapCompleted.eventType })
        try await Self.check(
            "motorsport_session", topic: motorsport[.motorsportTiming], deadLetters: motorsport[.motorsportDeadLetters],
            planted: Self.interleave(timing, Self.hostile(lap, strings: ["session_id"], number: ("lap_number", "5000"))), ns: ns)
        let sample = try #require(samples.first)
        try await Self.check(
            "motorsport_telemetry", topic: motorsport[.motorsportCarData], deadLetters: motorsport[.motorsportDeadLetters],
            planted: Self.interleave(samples, Self.hostile(sample, strings: ["session_id"], number: ("speed", "100000"))), ns: ns)
    }

    @Test func hostileParkingSensorsAreDeadLetteredAndTheRestFolded() async throws {
        let ns = try TestNamespace.make(partitions: 1)
        defer { ns.drop() }
        let parking = ns.topics
        let valid = GarageSimulator(.init(seed: 6, facilities: 1, levelsPerFacility: 1, zonesPerLevel: 2, spotsPerZone: 4, hours: 2)).events()
        let reading = try #require(valid.first { $0.type == SpotReading.eventType })
        try await Self.check(
            "parking_occupancy", topic: parking[.parkingSensors], deadLetters: parking[.parkingDeadLetters],
            planted: Self.interleave(valid, Self.hostile(reading, strings: ["facility_id", "spot_id", "level", "zone"], number: ("battery_percent", "101"))),
            ns: ns)
    }

    /// What validation cannot know, the database can: records it refuses are found by splitting the batch,
    /// dead-lettered with its reason, and everything else commits once.
    @Test func recordsTheDatabaseRefusesAreIsolatedAndDeadLettered() async throws {
        let ns = try TestNamespace.make(partitions: 1)
        defer { ns.drop() }
        let s = try ns.session()
        defer { s.close() }
        // A rule only the database knows.
        _ = try s.execute("ALTER TABLE wait_times ADD CONSTRAINT no_poison CHECK (attraction_id <> 'poison')")
        let t0 = Timestamp(iso8601: "2024-05-24T10:00:00Z")!
        var planted: [Planted] = []
        for i in 0..<400 {
            let poison = i % 97 == 13
            let e = EventEnvelope(
                WaitTimeObserved(parkID: "p1", attractionID: poison ? "poison" : "ride\(i % 7)", waitMinutes: i % 60, status: .operating),
                id: "w\(i)", source: "test", eventTime: t0.adding(seconds: Int64(i) * 30))
            planted.append(Planted(key: Array(e.key.utf8), value: e.encoded(), hostile: poison, field: ""))
        }
        try await Self.check("parks_wait_times", topic: ns.topics[.parksWaitTimes], deadLetters: ns.topics[.parksDeadLetters], planted: planted, ns: ns)
        #expect(try s.execute("SELECT count(*) FROM wait_times").int(0, 0) == Int64(planted.filter { !$0.hostile }.count))
        #expect(try s.execute("SELECT count(*) FROM attraction_current WHERE attraction_id = 'poison'").int(0, 0) == 0)
        let reasons = try await TopicReader.readAll(ns.topics[.parksDeadLetters], ns: ns).compactMap { record in
            record.headers.first { $0.key == "turnstile.dlq.reason" }?.value.map { String(decoding: $0, as: UTF8.self) }
        }
        #expect(!reasons.isEmpty && reasons.allSatisfy { $0.contains("refused by the database") && $0.contains("no_poison") }, "\(reasons)")
    }

    /// A worker that fails (its table made unwritable) is seen at once: not ready, down, restarted; once the
    /// cause is gone it catches up with nothing lost or doubled.
    @Test func aFailingWorkerIsReportedRestartedAndRecovers() async throws {
        let ns = try TestNamespace.make(partitions: 1)
        defer { ns.drop() }
        let s = try ns.session()
        defer { s.close() }
        let t0 = Timestamp(iso8601: "2024-05-24T10:00:00Z")!
        @Sendable func events(_ range: Range<Int>) -> [EventEnvelope] {
            range.map { i in
                EventEnvelope(
                    WaitTimeObserved(parkID: "p1", attractionID: "ride\(i % 5)", waitMinutes: i % 60, status: .operating),
                    id: "w\(i)", source: "test", eventTime: t0.adding(seconds: Int64(i) * 30))
            }
        }
        try await PipelineRun.produce(events(0..<100), ns: ns)
        let policy = RestartPolicy(maxFailures: 1_000, initialDelay: .milliseconds(100), maxDelay: .milliseconds(400), healthyAfter: .seconds(120))
        let outcome = try await ServiceRun.run(ns: ns, projections: ["parks_wait_times"], policy: policy) { health in
            let first = try await eventually(timeout: .seconds(60)) {
                try PipelineRun.folded(s, projection: "parks_wait_times", topic: ns.topics[.parksWaitTimes]) == 100
            }
            #expect(first)
            #expect(health.snapshot["parks_wait_times"]?.up == true)

            _ = try s.execute("ALTER TABLE wait_times RENAME TO wait_times_away")
            try await PipelineRun.produce(events(100..<200), ns: ns)
            let down = try await eventually(timeout: .seconds(20), every: .milliseconds(50)) {
                health.snapshot["parks_wait_times"]?.up == false
            }
            #expect(down, "the failure was not reported")
            let status = health.snapshot["parks_wait_times"]
            #expect(status?.lastError?.contains("wait_times") == true, "\(String(describing: status))")
            #expect(!health.allUp)
            // /ready says so, naming the projection.
            let pool = PGPool(url: ns.databaseURL, maxConnections: 1, logger: TestStack.logger)
            let service = QueryService(pool: pool, readiness: { health.readinessChecks }, metrics: { "" })
            try await buildQueryApplication(service, logger: TestStack.logger).test(.router) { client in
                try await client.execute(uri: "/ready", method: .get) { response in
                    #expect(response.status == .serviceUnavailable)
                    let answer = try JSONParser.parse(Array(response.body.readableBytesView))
                    #expect(answer["checks"]?["parks_wait_times"] == .bool(false), "\(answer)")
                    #expect(answer["checks"]?["outbox_relay"] == .bool(true), "\(answer)")
                }
            }
            await pool.close()
            // Still failing, still restarted: a few rounds.
            let restarted = try await eventually(timeout: .seconds(20)) { (health.snapshot["parks_wait_times"]?.restarts ?? 0) >= 2 }
            #expect(restarted)

            _ = try s.execute("ALTER TABLE wait_times_away RENAME TO wait_times")
            try await PipelineRun.produce(events(200..<300), ns: ns)
            let recovered = try await eventually(timeout: .seconds(60)) {
                try PipelineRun.folded(s, projection: "parks_wait_times", topic: ns.topics[.parksWaitTimes]) == 300
            }
            #expect(recovered)
            // Up again once it committed (the supervisor looks every 50 ms).
            #expect(try await eventually(timeout: .seconds(10)) { health.snapshot["parks_wait_times"]?.up == true })
            return recovered
        }
        #expect(outcome.error == nil)
        // Nothing lost, nothing doubled.
        #expect(try s.execute("SELECT count(*), count(DISTINCT time) FROM wait_times").int(0, 0) == 300)
        #expect(try s.execute("SELECT count(DISTINCT time) FROM wait_times").int(0, 0) == 300)
    }

    /// A transient error (here a statement cancelled while it waited for a lock) is retried: the batch commits
    /// once the lock is gone, nothing is dead-lettered, the worker never goes down.
    @Test func aTransientErrorIsRetriedNotDeadLettered() async throws {
        let ns = try TestNamespace.make(partitions: 1)
        defer { ns.drop() }
        let s = try ns.session()
        defer { s.close() }
        let locker = try ns.session()
        defer { locker.close() }
        _ = try locker.execute("BEGIN")
        _ = try locker.execute("LOCK TABLE wait_times IN ACCESS EXCLUSIVE MODE")
        let t0 = Timestamp(iso8601: "2024-05-24T10:00:00Z")!
        let events = (0..<100).map { i in
            EventEnvelope(
                WaitTimeObserved(parkID: "p1", attractionID: "ride\(i % 5)", waitMinutes: i % 60, status: .operating),
                id: "w\(i)", source: "test", eventTime: t0.adding(seconds: Int64(i) * 30))
        }
        try await PipelineRun.produce(events, ns: ns)
        let stayedUp = Mutex(true)
        let health = ProcessorHealth()
        let outcome = try await ServiceRun.run(ns: ns, projections: ["parks_wait_times"], health: health) { health in
            // The commit waits for the lock: cancel it (SQLSTATE 57014), then let the retry through.
            let cancelled = try await eventually(timeout: .seconds(60)) {
                try s.execute(
                    """
                    SELECT pg_cancel_backend(pid) FROM pg_stat_activity
                    WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()
                    """
                ).rowCount > 0
            }
            #expect(cancelled, "no statement ever waited for the lock")
            // Long enough for the cancelled batch to be retried (and wait again) before the lock goes.
            try await Task.sleep(for: .milliseconds(500))
            _ = try locker.execute("COMMIT")
            return try await eventually(timeout: .seconds(60)) {
                if !health.allUp { stayedUp.withLock { $0 = false } }
                return try PipelineRun.folded(s, projection: "parks_wait_times", topic: ns.topics[.parksWaitTimes]) == 100
            }
        }
        #expect(outcome.value, "the batch was not retried to a commit")
        #expect(outcome.error == nil)
        #expect(stayedUp.withLock { $0 }, "a transient error took the worker down")
        #expect(health.snapshot["parks_wait_times"]?.restarts == 0, "the worker was restarted instead of retrying")
        #expect(try s.execute("SELECT count(*) FROM wait_times").int(0, 0) == 100)
        #expect(try await TopicReader.readAll(ns.topics[.parksDeadLetters], ns: ns).isEmpty, "a transient error was dead-lettered")
    }

    /// A worker that fails again and again at the same offset stops the service with an error naming it.
    @Test func aWorkerStuckOnTheSameOffsetStopsTheProcess() async throws {
        let ns = try TestNamespace.make(partitions: 1)
        defer { ns.drop() }
        let s = try ns.session()
        defer { s.close() }
        _ = try s.execute("ALTER TABLE wait_times RENAME TO wait_times_away")
        try await PipelineRun.produce(ParkSimulator(.init(seed: 1, parks: 1, attractionsPerPark: 2)).events(count: 20), ns: ns)
        let policy = RestartPolicy(maxFailures: 2, initialDelay: .milliseconds(50), maxDelay: .milliseconds(100))
        let health = ProcessorHealth()
        let outcome = try await ServiceRun.run(
            ns: ns, projections: ["parks_wait_times"], policy: policy, health: health, untilItStops: .seconds(90)
        ) { _ in true }
        #expect(health.snapshot["parks_wait_times"]?.restarts == 2)
        #expect(health.snapshot["parks_wait_times"]?.up == false)
        let gaveUp = try #require(outcome.error as? RunnerGaveUp, "\(String(describing: outcome.error))")
        #expect(gaveUp.runner == "parks_wait_times")
        #expect(gaveUp.failures == 3)
    }
}

extension Array where Element == UInt8 {
    /// `self` with every occurrence of `marker` replaced by `bytes`.
    fileprivate func replacing(_ marker: [UInt8], with bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var i = 0
        while i < count {
            if i + marker.count <= count, Array(self[i..<i + marker.count]) == marker {
                out.append(contentsOf: bytes)
                i += marker.count
            } else {
                out.append(self[i])
                i += 1
            }
        }
        return out
    }
}
