import Events
import Foundation
import Ingest
import Kafka
import Postgres
import Processor
import Projections
import Synchronization
import TestSupport
import Testing

/// The motorsport session projection end to end on the real broker and database.
@Suite("MotorsportPipelineTests", .enabled(if: TestStack.enabled), .serialized)
struct MotorsportPipelineTests {
    /// The leaderboard as the table holds it, one line per car.
    static func leaderboard(_ s: PGSession, session: String) throws -> [String] {
        let r = try s.execute(
            """
            SELECT driver_number, position, laps_completed, round(gap_to_leader * 1e6)::bigint, best_lap, pit_count,
                   retired, compound, tyre_age
            FROM session_leaderboard WHERE session_id = $1 ORDER BY driver_number
            """, [.text(session)])
        return (0..<r.rowCount).map { row in (0..<9).map { r.string(row, $0) ?? "-" }.joined(separator: " ") }
    }

    /// The same lines computed by folding the events in memory (a replay of the whole session).
    static func expectedLeaderboard(_ events: [EventEnvelope]) throws -> (lines: [String], laps: Int, derived: Set<String>, stints: [String]) {
        let projection = SessionProjection(topics: TopicNames(prefix: ""))
        var state: SessionState?
        var laps = 0
        var derived = Set<String>()
        var stints: [String: String] = [:]
        for e in events where e.type != CarSample.eventType {
            let r = projection.fold(state, try projection.decode(e))
            state = r.state
            laps += r.rows.filter { if case .lap = $0 { true } else { false } }.count
            derived.formUnion(r.derived.map(\.id))
            for case .stint(let s) in r.rows {
                stints["\(s.driverNumber)/\(s.stintNumber)"] = Self.stintLine(
                    s.driverNumber, s.stintNumber, s.compound?.rawValue, s.lapEnd, s.cleanLaps, s.fit?.slope)
            }
        }
        let lines = state!.drivers.values.sorted { $0.driverNumber < $1.driverNumber }.map(Self.line)
        return (lines, laps, derived, stints.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.map { stints[$0]! })
    }

    static func stintLine(_ driver: Int, _ stint: Int, _ compound: String?, _ lapEnd: Int?, _ clean: Int, _ slope: Double?) -> String {
        let end = lapEnd.map(String.init) ?? "-", degradation = slope.map { String(Int64(($0 * 1e6).rounded())) } ?? "-"
        return "\(driver)/\(stint) \(compound ?? "-") \(end) \(clean) \(degradation)"
    }

    static func line(_ d: DriverStanding) -> String {
        var fields: [String] = [String(d.driverNumber), d.position.map(String.init) ?? "-", String(d.lapsCompleted)]
        fields.append(d.gapToLeader.map { String(Int64(($0 * 1e6).rounded())) } ?? "-")
        fields.append(d.bestLap.map { "\($0)" } ?? "-")
        fields.append(String(d.pitCount))
        fields.append(d.retired ? "t" : "f")
        fields.append(d.compound?.rawValue ?? "-")
        fields.append(d.tyreAge.map(String.init) ?? "-")
        return fields.joined(separator: " ")
    }

    @Test func killedMidRaceTheLeaderboardEqualsAReplayOfTheWholeSession() async throws {
        let ns = try TestNamespace.make()
        defer { ns.drop() }
        let motorsport = ns.topics
        let events = RaceSimulator(.init(seed: 3, sessionID: "race-\(ns.id)", cars: 20, laps: 60)).events()
        let expected = try Self.expectedLeaderboard(events)
        // The race's last 40 % is produced only after the kill: the processor is mid-race when it dies however
        // fast it folds and however late this test's task gets to look.
        let cut = events.count * 3 / 5
        let total = Int64(events.count)
        let firstPart = try await PipelineRun.produce(Array(events[..<cut]), ns: ns)
        #expect(firstPart[motorsport[.motorsportTiming]] == cut)
        let s = try ns.session()
        defer { s.close() }

        // Small batches, so the kill lands between (or inside) commits.
        let arguments = ["--projection", "motorsport_session", "--max-batch", "10"]
        let first = try ProcessorProcess(ns: ns, name: "race-kill", extraArguments: arguments)
        let reached = try await eventually(timeout: .seconds(120), every: .milliseconds(2)) {
            try PipelineRun.folded(s, projection: "motorsport_session", topic: motorsport[.motorsportTiming]) >= total * 2 / 5
        }
        first.kill9()
        #expect(reached, "no progress before the kill; log: \(first.log.suffix(2000))")
        let atKill = try PipelineRun.folded(s, projection: "motorsport_session", topic: motorsport[.motorsportTiming])
        #expect(atKill < total, "the whole race was folded before the kill: the test proves nothing")
        let rest = try await PipelineRun.produce(Array(events[cut...]), ns: ns)
        #expect(rest[motorsport[.motorsportTiming]] == events.count - cut)

        let second = try ProcessorProcess(ns: ns, name: "race-final", extraArguments: arguments)
        let done = try await eventually(timeout: .seconds(120)) {
            let outbox = try s.execute("SELECT count(*) FROM turnstile_outbox").int(0, 0) ?? -1
            return try PipelineRun.folded(s, projection: "motorsport_session", topic: motorsport[.motorsportTiming]) == total && outbox == 0
        }
        let status = second.terminate()
        #expect(done, "did not catch up; log: \(second.log.suffix(2000))")
        #expect(status == 0)

        #expect(try Self.leaderboard(s, session: "race-\(ns.id)") == expected.lines)
        let stints = try s.execute(
            """
            SELECT driver_number, stint_number, compound, lap_end, clean_laps, round(degradation * 1e6)::bigint FROM stints
            ORDER BY (driver_number || '/' || stint_number) COLLATE "C"
            """)
        let stintLines = try (0..<stints.rowCount).map { row in
            Self.stintLine(
                Int(try stints.int(row, 0)!), Int(try stints.int(row, 1)!), stints.string(row, 2), try stints.int(row, 3).map { Int($0) },
                Int(try stints.int(row, 4)!), try stints.int(row, 5).map { Double($0) / 1e6 })
        }
        #expect(stintLines == expected.stints)
        #expect(expected.stints.count >= 39, "every car but the one retiring has two stints")
        let laps = try s.execute("SELECT count(*), count(DISTINCT (driver_number, lap_number)) FROM lap_times")
        #expect(try laps.int(0, 0) == Int64(expected.laps), "laps written twice or lost")
        #expect(try laps.int(0, 1) == Int64(expected.laps))
        // Race events: every one the replay derives, published (repeats only from a relay killed mid-send).
        let published = try await TopicReader.readAll(motorsport[.motorsportRaceEvents], ns: ns)
        let ids = Set(try published.map { try EventEnvelope.decode($0.value).id })
        #expect(ids == expected.derived)
        let stored = try s.execute("SELECT count(*), count(DISTINCT event_id) FROM race_events")
        #expect(try stored.int(0, 0) == Int64(expected.derived.count), "race events stored twice or lost")
        #expect(try stored.int(0, 1) == Int64(expected.derived.count))
        #expect(!expected.derived.isEmpty)
    }

    @Test func telemetryRollupSumsUpEverySampleOnceWhateverTheBatches() async throws {
        let ns = try TestNamespace.make()
        defer { ns.drop() }
        let motorsport = ns.topics
        let race = RaceSimulator(.init(seed: 5, sessionID: "tel-\(ns.id)", cars: 3, laps: 3, telemetryHz: 4)).events()
        let samples = race.filter { $0.type == CarSample.eventType }
        // The feed repeats some samples: they must count once.
        let produced = try await PipelineRun.produce(samples + samples.prefix(100), ns: ns)
        let total = Int64(produced[motorsport[.motorsportCarData]] ?? 0)
        let s = try ns.session()
        defer { s.close() }
        let p = try ProcessorProcess(ns: ns, name: "telemetry", extraArguments: ["--projection", "motorsport_telemetry", "--max-batch", "300"])
        let done = try await eventually(timeout: .seconds(120)) {
            try PipelineRun.folded(s, projection: "motorsport_telemetry", topic: motorsport[.motorsportCarData]) == total
        }
        let status = p.terminate()
        #expect(done, "did not fold the telemetry; log: \(p.log.suffix(2000))")
        #expect(status == 0)

        // Independent: group the samples by car and second.
        var expected: [String: [Int]] = [:]  // key → [count, min, max, sum speed, sum throttle, brake n, max gear]
        for e in samples {
            let c = try e.decode(CarSample.self)
            let second = Timestamp.floorDivision(e.eventTime.microseconds, 1_000_000)
            let key = "\(c.driverNumber) \(second)"
            var a = expected[key] ?? [0, Int.max, Int.min, 0, 0, 0, 0]
            a = [a[0] + 1, min(a[1], c.speed), max(a[2], c.speed), a[3] + c.speed, a[4] + c.throttle, a[5] + (c.brake > 0 ? 1 : 0), max(a[6], c.gear)]
            expected[key] = a
        }
        let expectedLines = expected.map { "\($0.key) \($0.value.map(String.init).joined(separator: " "))" }.sorted()
        let r = try s.execute(
            """
            SELECT driver_number, (extract(epoch FROM time))::bigint, samples, speed_min, speed_max, speed_sum, throttle_sum,
                   brake_samples, gear_max FROM telemetry_1s
            """)
        let lines = (0..<r.rowCount).map { row in (0..<9).map { r.string(row, $0) ?? "-" }.joined(separator: " ") }.sorted()
        #expect(lines == expectedLines)
        let stored = try s.execute("SELECT count(*) FROM telemetry").int(0, 0)
        #expect(stored == Int64(samples.count), "raw samples lost or stored twice")
        let means = try s.execute("SELECT bool_and(speed_mean = speed_sum::float8 / samples) FROM telemetry_1s").bool(0, 0)
        #expect(means == true)
    }

    /// Telemetry batches linger: two bursts 300 ms apart make one transaction when the batch may wait for
    /// more records, two when it may not.
    @Test func aLingeringBatchTakesRecordsThatArriveWhileItWaits() async throws {
        #expect(TelemetryProjection().batchLingerMs > 0 && SessionProjection().batchLingerMs == 0)
        // A linger far longer than the 300 ms gap: with the whole suite running, producing a burst can take
        // seconds, and the property is about records that arrive while the batch waits, however late.
        #expect(try await Self.commitsOfTwoBursts(lingerMs: 10_000) == [40])
        let unlingered = try await Self.commitsOfTwoBursts(lingerMs: 0)
        #expect(unlingered.count >= 2 && unlingered.reduce(0, +) == 40, "\(unlingered)")
    }

    /// Records per commit of two bursts of 20 telemetry samples sent 300 ms apart to a running worker.
    static func commitsOfTwoBursts(lingerMs: Int) async throws -> [Int] {
        let ns = try TestNamespace.make()
        defer { ns.drop() }
        let motorsport = ns.topics
        let samples = RaceSimulator(.init(seed: 9, sessionID: "linger-\(ns.id)", cars: 1, laps: 2, telemetryHz: 4)).events()
            .filter { $0.type == CarSample.eventType }
        #expect(samples.count >= 41)
        var settings = ns.settings()
        settings.batchLingerMs = lingerMs
        let worker = ProjectionWorker(
            store: TelemetryStore(projection: TelemetryProjection(topics: motorsport)), settings: settings, logger: TestStack.logger)
        let commits = Mutex<[Int]>([])
        worker.onCommit = { ingest, _, _ in commits.withLock { $0.append(ingest.count) } }
        let task = Task { try await BlockingThread.run(name: "linger-worker") { try worker.run() } }
        defer { worker.stop() }
        // A first record, folded once the worker owns the partition: from then on it is polling.
        try await PipelineRun.produce([samples[0]], ns: ns)
        #expect(try await eventually(timeout: .seconds(60)) { commits.withLock { !$0.isEmpty } })
        // One producer, made beforehand, for both bursts: making one (metadata, idempotence handshake) can take
        // longer than the linger on a loaded machine, which would split the batch however well it lingers.
        let producer = try KafkaProducer(config: ns.kafka, logger: TestStack.logger)
        defer { producer.close() }
        let publisher = EventPublisher(producer: producer, router: RawEventRouter(topics: ns.topics))
        _ = try await publisher.publish(Array(samples[1...20]))
        try await Task.sleep(for: .milliseconds(300))
        _ = try await publisher.publish(Array(samples[21...40]))
        let s = try ns.session()
        defer { s.close() }
        #expect(try await eventually(timeout: .seconds(60)) {
            try PipelineRun.folded(s, projection: "motorsport_telemetry", topic: motorsport[.motorsportCarData]) == 41
        })
        worker.stop()
        _ = try await task.value
        return Array(commits.withLock { $0 }.dropFirst())
    }
}
