import Events
import Foundation
import Ingest
import Logging
import Postgres
import Processor
import Projections
import Registry
import TestSupport
import Testing

/// The kill -9 test, written once and run for every registered projection: the processor is killed mid-stream,
/// restarted, and once it has caught up every table of the projection must equal a from-scratch rebuild of
/// the same log into a second placement of the same definition (its own tables, offsets and outbox, beside the
/// live ones): nothing lost, nothing counted twice, whatever the batch boundaries and the kill.
@Suite("EveryProjectionKillTests", .enabled(if: TestStack.enabled))
struct EveryProjectionKillTests {
    /// What a projection's run needs: raw events, and the projections to run (upstream ones first, for folds
    /// that read derived events).
    struct Workload {
        var events: [EventEnvelope]
        var run: [String]
        var maxBatch: Int
    }

    /// A new projection fails here until it has a workload: every registered projection is killed once.
    static func workload(for projection: String) -> Workload? {
        switch projection {
        case "parks_wait_times", "parks_crowd":
            let events = ParkSimulator(.init(seed: 21, parks: 3, attractionsPerPark: 8)).events(count: 6_000)
            return Workload(
                events: events, run: projection == "parks_crowd" ? ["parks_wait_times", "parks_crowd"] : [projection], maxBatch: 50)
        case "parks_attraction_context":
            // Attractions learnt from the wait-times fold's updates; schedules and weather re-keyed to them.
            let simulator = ParkSimulator(.init(seed: 26, parks: 2, attractionsPerPark: 4, weather: true))
            let end = simulator.configuration.start.adding(seconds: 2 * 86_400)
            return Workload(events: Array(simulator.prefix { $0.eventTime < end }), run: ["parks_wait_times", projection], maxBatch: 50)
        case "parks_wait_predictions":
            // Readings only: a fold of one topic per key is the same whatever the interleaving of partitions, so the
            // killed run and the rebuild must agree exactly (predictions and errors, once each). Its context topic
            // is a second input whose interleaving with the readings a rebuild does not reproduce.
            let readings = ParkSimulator(.init(seed: 27, parks: 2, attractionsPerPark: 3, feedFaults: false)).lazy
                .filter { $0.type == WaitTimeObserved.eventType }.prefix(4_000)
            return Workload(events: Array(readings), run: [projection], maxBatch: 40)
        case "parks_crowd_forecast":
            // The park's forecast from the outlooks the wait-forecast fold derives from readings (over two days, so
            // that the coming hours have usual waits to compare with).
            let readings = ParkSimulator(.init(seed: 28, parks: 2, attractionsPerPark: 3, feedFaults: false)).lazy
                .filter { $0.type == WaitTimeObserved.eventType }.prefix(4_000)
            return Workload(events: Array(readings), run: ["parks_wait_predictions", projection], maxBatch: 40)
        case "parks_weather":
            // Four parks' hourly reports (this hour observed, the next three forecast) over ten days.
            let simulator = ParkSimulator(.init(seed: 25, parks: 4, attractionsPerPark: 1, weather: true))
            let end = simulator.configuration.start.adding(seconds: 10 * 86_400)
            let reports = simulator.prefix { $0.eventTime < end }.filter { $0.type == ParkWeatherHour.eventType }
            return Workload(events: reports, run: [projection], maxBatch: 20)
        case "motorsport_session", "motorsport_commentary":
            let race = RaceSimulator(.init(seed: 22, sessionID: "kill-race", cars: 10, laps: 20)).events()
            return Workload(events: race.filter { $0.type != CarSample.eventType }, run: [projection], maxBatch: 10)
        case "motorsport_telemetry":
            let race = RaceSimulator(.init(seed: 23, sessionID: "kill-telemetry", cars: 3, laps: 3, telemetryHz: 4)).events()
            return Workload(events: race.filter { $0.type == CarSample.eventType }, run: [projection], maxBatch: 100)
        case "parking_occupancy":
            let run = GarageSimulator(.init(
                seed: 24, facilities: 1, levelsPerFacility: 1, zonesPerLevel: 2, spotsPerZone: 10,
                start: Timestamp(iso8601: "2024-05-20T05:00:00Z")!, hours: 8, countBasedFacilities: 0)).run()
            return Workload(events: run.events, run: [projection], maxBatch: 20)
        default:
            return nil
        }
    }

    /// Where the rebuild lives: every table in a schema of its own, and its own offsets, outbox and migrations.
    static let clean = TablePlacement(schema: "clean")
    static let cleanRuntime = RuntimeTables(
        offsets: "turnstile_offsets_clean", outbox: "turnstile_outbox_clean", migrations: "turnstile_migrations_clean")

    @Test(arguments: ProjectionRegistry.names)
    func killedMidStreamEveryTableEqualsARebuildOfTheSameLog(projection: String) async throws {
        let workload = try #require(Self.workload(for: projection), "\(projection) has no kill -9 workload: add one here")
        let definitions = try workload.run.map { try ProjectionRegistry.named($0) }
        let ns = try TestNamespace.make()
        defer { ns.drop() }
        let s = try ns.session()
        defer { s.close() }
        let events = workload.events
        let arguments = workload.run.flatMap { ["--projection", $0] } + ["--max-batch", String(workload.maxBatch)]

        // The last 40 % is produced only after the kill: the processor is mid-stream when it dies, however fast
        // it folds and however late this task gets to look.
        let cut = events.count * 3 / 5
        var produced = try await PipelineRun.produce(Array(events[..<cut]), ns: ns)
        let rawInputs = Set(produced.keys)
        func foldedRaw() throws -> Int64 {
            try definitions.flatMap { d in d.inputTopics.map { (d.name, ns.topics[$0]) } }
                .filter { rawInputs.contains($0.1) }
                .reduce(0) { sum, input in sum + (try PipelineRun.folded(s, projection: input.0, topic: input.1)) }
        }
        // Raw records the run projections fold in all (a topic read by two of them counts twice).
        let rawTotal = Int64(definitions.flatMap(\.inputTopics).map { topic in
            events.filter { (try? RawEventRouter(topics: ns.topics).route($0).topic) == ns.topics[topic] }.count
        }.reduce(0, +))

        let first = try ProcessorProcess(ns: ns, name: "kill-\(projection)", extraArguments: arguments)
        let reached = try await eventually(timeout: .seconds(120), every: .milliseconds(2)) { try foldedRaw() >= rawTotal * 3 / 10 }
        first.kill9()
        #expect(reached, "no progress before the kill; log: \(first.log.suffix(2000))")
        #expect(try foldedRaw() < rawTotal, "everything was folded before the kill: the test proves nothing")
        for (topic, n) in try await PipelineRun.produce(Array(events[cut...]), ns: ns) { produced[topic, default: 0] += n }

        let second = try ProcessorProcess(ns: ns, name: "final-\(projection)", extraArguments: arguments)
        let done = try await eventually(timeout: .seconds(180)) {
            try await Self.caughtUp(definitions, ns: ns, produced: produced, session: s)
        }
        let status = second.terminate()
        #expect(done, "did not catch up after the kill; log: \(second.log.suffix(3000))")
        #expect(status == 0, "SIGTERM must finish the batch and exit 0; log: \(second.log.suffix(2000))")
        guard done else { return }

        // The same definitions, a second time, into their own tables: from the beginning of the same topics.
        _ = try Migrator(
            directory: TestStack.repository + "/projections/migrations", runtime: Self.cleanRuntime, placement: Self.clean,
            logger: TestStack.logger
        ).migrate(s)
        let rebuilt = try await Self.rebuild(definitions, ns: ns, session: s)
        #expect(rebuilt, "the rebuild did not reach the live offsets")

        for definition in definitions {
            for table in definition.tables {
                let live = try TableChecksum.of(table, session: s)
                let again = try TableChecksum.of(table, placement: Self.clean, session: s)
                #expect(live == again, "\(definition.name): \(table.name) differs from a rebuild")
            }
        }
        // The rebuild's side effects stayed in its own outbox, and its offsets in its own table.
        let liveOffsets = try s.execute("SELECT count(*) FROM turnstile_offsets").int(0, 0) ?? 0
        #expect(liveOffsets > 0)
        #expect(try s.execute("SELECT count(*) FROM turnstile_outbox").int(0, 0) == 0)
    }

    /// Every run projection has folded every record of its inputs, and the outbox is empty (derived events
    /// published, so downstream inputs are complete).
    static func caughtUp(_ definitions: [ProjectionDefinition], ns: TestNamespace, produced: [String: Int], session s: PGSession) async throws -> Bool {
        guard try s.execute("SELECT count(*) FROM turnstile_outbox").int(0, 0) == 0 else { return false }
        var derived: [(String, String)] = []
        // A derived input no projection of the run derives stays empty (the workload leaves it out).
        let derivedHere = Set(definitions.flatMap(\.derivedTopics).map { ns.topics[$0] })
        for d in definitions {
            for topic in d.inputTopics.map({ ns.topics[$0] }) {
                guard let count = produced[topic] else {
                    if derivedHere.contains(topic) { derived.append((d.name, topic)) }
                    continue
                }
                guard try PipelineRun.folded(s, projection: d.name, topic: topic) == Int64(count) else { return false }
            }
        }
        // A derived topic's length is known only by reading it (a relay killed mid-send may have repeated some).
        for (name, topic) in derived {
            let published = try await TopicReader.readAll(topic, ns: ns, quiet: .seconds(1)).count
            guard published > 0, try PipelineRun.folded(s, projection: name, topic: topic) == Int64(published) else { return false }
        }
        return true
    }

    /// Runs `definitions` in this process into the clean placement until each has reached the live offsets.
    static func rebuild(_ definitions: [ProjectionDefinition], ns: TestNamespace, session s: PGSession) async throws -> Bool {
        var settings = ns.settings(maxBatch: 500)
        settings.groupPrefix = "t\(ns.id)-clean"
        let workers = definitions.map {
            $0.worker(topics: ns.topics, placement: clean, settings: settings, runtime: cleanRuntime, logger: TestStack.logger)
        }
        let offsets = """
            SELECT coalesce(sum(l.next_offset), 0)::bigint, coalesce(sum(c.next_offset), 0)::bigint
            FROM turnstile_offsets l FULL JOIN turnstile_offsets_clean c USING (projection, topic, partition)
            """
        return try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in workers {
                group.addTask { try await BlockingThread.run(name: worker.name) { try worker.run() } }
            }
            let done = try await eventually(timeout: .seconds(180)) {
                let r = try s.execute(offsets)
                return try r.int(0, 0) == r.int(0, 1)
            }
            for worker in workers { worker.stop() }
            try await group.waitForAll()
            return done
        }
    }
}
