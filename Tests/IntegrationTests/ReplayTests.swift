import Events
import Foundation
import Hummingbird
import HummingbirdTesting
import Ingest
import Kafka
import Logging
import Postgres
import Processor
import Projections
import QueryService
import Registry
import Replay
import Synchronization
import TestSupport
import Testing

/// Blue/green rebuilds against the real broker and TimescaleDB: every projection rebuilds a version beside its
/// live one without publishing anything; a promotion under live traffic with two live members misses nothing and
/// folds nothing twice; a rebuild killed with SIGKILL resumes to the same result; start and end offsets hold.
// Serialized: each test runs processors of its own, and six of them at once on two cores starve everything else.
@Suite("ReplayTests", .serialized, .enabled(if: TestStack.enabled))
struct ReplayTests {
    static var migrations: String { TestStack.repository + "/projections/migrations" }

    static func rebuild(
        _ definition: ProjectionDefinition, ns: TestNamespace, configure: (inout Rebuild.Options) -> Void = { _ in }
    ) async throws -> Rebuild.Outcome {
        var options = Rebuild.Options()
        configure(&options)
        var settings = ns.settings()
        settings.groupPrefix = "t\(ns.id)"
        return try await Rebuild(
            definition: definition, topics: ns.topics, settings: settings, migrations: migrations, options: options,
            logger: TestStack.logger
        ).run()
    }

    static func version(_ projection: String, _ number: Int, _ s: PGSession) throws -> ProjectionVersion {
        try #require(try ProjectionVersions().find(projection, number, session: s))
    }

    static func offsets(of version: ProjectionVersion, _ s: PGSession) throws -> [String] {
        let r = try s.execute(
            "SELECT topic || ':' || partition || ':' || next_offset FROM \(version.runtime(RuntimeTables()).offsets) WHERE projection = $1 ORDER BY 1",
            [.text(version.projection)])
        return (0..<r.rowCount).compactMap { r.string($0, 0) }
    }

    /// Records in each topic.
    static func countRecords(_ topics: [String], ns: TestNamespace) async throws -> [Int] {
        var counts: [Int] = []
        for topic in topics { counts.append(try await TopicReader.readAll(topic, ns: ns, quiet: .seconds(1)).count) }
        return counts
    }

    static func secondaryIndexes(of definition: ProjectionDefinition, at placement: TablePlacement, _ s: PGSession) throws -> Int64 {
        try s.execute(
            "SELECT count(*) FROM pg_index WHERE indrelid = ANY($1::regclass[]) AND NOT indisunique",
            [.textArray(definition.tables.map { placement[$0] })]).int(0, 0) ?? -1
    }

    // MARK: Every projection

    @Test(arguments: ProjectionRegistry.names)
    func everyProjectionRebuildsAVersionBesideTheLiveOneAndPublishesNothing(projection: String) async throws {
        let workload = try #require(EveryProjectionKillTests.workload(for: projection))
        let definitions = try workload.run.map { try ProjectionRegistry.named($0) }
        let definition = try ProjectionRegistry.named(projection)
        let ns = try TestNamespace.make()
        defer { ns.drop() }
        let s = try ns.session()
        defer { s.close() }
        let produced = try await PipelineRun.produce(workload.events, ns: ns)
        let live = try ProcessorProcess(ns: ns, name: "live-\(projection)", extraArguments: workload.run.flatMap { ["--projection", $0] })
        let done = try await eventually(timeout: .seconds(180)) {
            try await EveryProjectionKillTests.caughtUp(definitions, ns: ns, produced: produced, session: s)
        }
        #expect(live.terminate() == 0)
        #expect(done, "the live processor did not catch up; log: \(live.log.suffix(2000))")
        guard done else { return }
        let sideEffects = (definition.derivedTopics + [definition.deadLetterTopic]).map { ns.topics[$0] }
        let before = try await Self.countRecords(sideEffects, ns: ns)
        let liveFolded = try s.execute(
            "SELECT coalesce(sum(next_offset), 0)::bigint FROM turnstile_offsets WHERE projection = $1", [.text(projection)]).int(0, 0)

        let outcome = try await Self.rebuild(definition, ns: ns) { $0.promote = false }
        #expect(outcome.version.number == 2 && outcome.version.status == .ready && !outcome.promoted)
        #expect(Int64(outcome.folded) == liveFolded, "the rebuild folds every record the live version folded")
        let v1 = try Self.version(projection, 1, s)
        #expect(v1.status == .active, "the live version stays active")
        #expect(try Self.offsets(of: outcome.version, s) == Self.offsets(of: v1, s))
        let checksums = try [v1, outcome.version].map { try VersionChecksum.of(definition, version: $0, session: s) }
        #expect(checksums[0].tables == checksums[1].tables, "\(projection): the rebuilt version differs from the live one")
        #expect(checksums[0].digest == checksums[1].digest)
        #expect(try VersionDiff.between(definition, v1, outcome.version, session: s).identical)
        // Deferred for the bulk load, the secondary indexes are back.
        #expect(try Self.secondaryIndexes(of: definition, at: outcome.version.placement, s) == Self.secondaryIndexes(of: definition, at: .live, s))
        #expect(outcome.version.deferredIndexes.isEmpty)

        // Nothing published: no derived event, no dead letter, nothing left in the outbox.
        #expect(try s.execute("SELECT count(*) FROM turnstile_outbox").int(0, 0) == 0)
        let after = try await Self.countRecords(sideEffects, ns: ns)
        #expect(after == before, "a rebuild published to \(sideEffects)")
    }

    // MARK: Promotion under live traffic

    @Test func promotionUnderLiveTrafficWithTwoMembersMissesNothingAndFoldsNothingTwice() async throws {
        let definition = ProjectionDefinition.parksWaitTimes
        let projection = definition.name
        let ns = try TestNamespace.make()
        defer { ns.drop() }
        let s = try ns.session()
        defer { s.close() }
        let events = ParkSimulator(.init(seed: 31, parks: 2, attractionsPerPark: 6)).events(count: 9_000)
        let waitTopic = ns.topics[.parksWaitTimes]
        let first = try await PipelineRun.produce(Array(events[..<3_000]), ns: ns)
        let members = try (0..<2).map {
            try ProcessorProcess(ns: ns, name: "member-\($0)", extraArguments: ["--projection", projection, "--max-batch", "100"])
        }
        defer { for member in members { _ = member.terminate() } }
        #expect(try await eventually(timeout: .seconds(120)) { try PipelineRun.folded(s, projection: projection, topic: waitTopic) >= 1_000 })

        // A query service reading the active version, following promotions.
        let pool = PGPool(url: ns.databaseURL, maxConnections: 2)
        let tables = SharedTableDirectory()
        let watcher = ActiveVersionsWatcher(
            directory: tables, pool: pool, databaseURL: ns.databaseURL, interval: .seconds(3_600), logger: TestStack.logger)
        try await watcher.refresh()
        let app = buildQueryApplication(
            QueryService(pool: pool, tables: tables, readiness: { [:] }, metrics: { "" }), logger: TestStack.logger)
        let run = SharedRun()
        run.produced(first)

        let (outcome, promotedAt, caughtUp) = try await app.test(.router) { client in
            try await withThrowingTaskGroup(of: Void.self) { group in
                // The watcher as `serve` runs it, with no periodic refresh in this test: the promotion's
                // notification alone must move the query service to the new version.
                let watching = Task { try await watcher.run() }
                group.addTask {
                    while !run.stopped {
                        let (status, rides) = try await client.execute(uri: "/v1/parks/sim-1/waits", method: .get) { response in
                            (response.status, (try? JSONParser.parse(Array(response.body.readableBytesView)))?["attractions"]?.arrayValue?.count)
                        }
                        run.answered("\(status.code):\(rides ?? -1)")
                        try await Task.sleep(for: .milliseconds(5))
                    }
                }
                // The simulator keeps producing through the rebuild and the promotion, and after it.
                let producing = Task {
                    for start in stride(from: 3_000, to: events.count, by: 200) {
                        let more = try await PipelineRun.produce(Array(events[start..<min(start + 200, events.count)]), ns: ns)
                        run.produced(more)
                        try await Task.sleep(for: .milliseconds(150))
                    }
                }
                let outcome = try await Self.rebuild(definition, ns: ns) { $0.maxBatch = 500 }
                // The old version as it was promoted away from: no member may write to it any more.
                let s = try ns.session()
                defer { s.close() }
                let v1 = try Self.version(projection, 1, s)
                let promotedAt = (checksum: try VersionChecksum.of(definition, version: v1, session: s), offsets: try Self.offsets(of: v1, s))
                try await producing.value
                let total = run.producedCount(waitTopic)
                let caughtUp = try await eventually(timeout: .seconds(120)) {
                    try s.execute(
                        "SELECT coalesce(sum(next_offset), 0)::bigint FROM \(outcome.version.runtime(RuntimeTables()).offsets) WHERE projection = $1",
                        [.text(projection)]).int(0, 0) == Int64(total)
                }
                // Let the query service see the final state once more, then stop.
                try await Task.sleep(for: .milliseconds(200))
                run.stop()
                watching.cancel()
                try await group.waitForAll()
                #expect(tables.directory.placement(of: WaitTimesTables.waitTimes.name) == outcome.version.placement,
                        "the query service did not move to the promoted version")
                return (outcome, promotedAt, caughtUp)
            }
        }
        #expect(caughtUp, "the live members did not continue in the new version; logs: \(members.map { $0.log.suffix(1500) })")
        #expect(outcome.promoted && outcome.version.number == 2)
        #expect(try ProjectionVersions().active(projection, session: s).number == 2)
        #expect(try Self.version(projection, 1, s).status == .retired)

        // No member wrote to the old version after the promotion.
        let v1 = try Self.version(projection, 1, s)
        #expect(try VersionChecksum.of(definition, version: v1, session: s) == promotedAt.checksum)
        #expect(try Self.offsets(of: v1, s) == promotedAt.offsets)
        let logs = members.map(\.log)
        #expect(logs.contains { $0.contains("version promoted: switching") }, "no member switched: \(logs.map { $0.suffix(1000) })")

        // Every query answered, from a complete version: once the park's 6 attractions had all appeared, every
        // answer shows 6 (a half-built version would show fewer).
        let seen = run.answers
        #expect(seen.count > 20)
        #expect(seen.allSatisfy { $0.hasPrefix("200:") }, "answers: \(Set(seen))")
        let complete = try #require(seen.firstIndex(of: "200:6"), "the park never showed its 6 attractions: \(Set(seen))")
        #expect(Set(seen[complete...]) == ["200:6"], "answers once complete: \(Set(seen[complete...]))")
        #expect(seen.count - complete > 10, "too few answers after the park was complete to prove anything")

        // The promoted version equals a from-scratch fold of the same offsets (all of the log).
        let scratch = try await Self.rebuild(definition, ns: ns) { $0.promote = false }
        let v2 = try Self.version(projection, 2, s)
        #expect(try Self.offsets(of: scratch.version, s) == Self.offsets(of: v2, s))
        #expect(try VersionChecksum.of(definition, version: scratch.version, session: s).tables
            == VersionChecksum.of(definition, version: v2, session: s).tables)

        // Derived events: each published exactly once across the promotion, as a fold of the whole log derives them.
        let fold = WaitTimesProjection(topics: ns.topics)
        let router = RawEventRouter(topics: ns.topics)
        var inputs: [(key: String, input: WaitTimesProjection.Input)] = []
        for event in events where fold.inputTopics.contains((try? router.route(event).topic) ?? "") {
            let input = try fold.decode(event)
            inputs.append((fold.stateKey(of: input), input))
        }
        var states: [String: WaitTimesProjection.State] = [:]
        let expected = fold.fold(batch: inputs, states: &states).derived.map(\.id)
        #expect(try await eventually(timeout: .seconds(60)) { try s.execute("SELECT count(*) FROM turnstile_outbox").int(0, 0) == 0 })
        let published = try await TopicReader.readAll(ns.topics[.parksAttractionUpdates], ns: ns, quiet: .seconds(2))
            .map { try EventEnvelope.decode($0.value).id }
        #expect(published.count == expected.count, "derived events published \(published.count), a fold of the log derives \(expected.count)")
        #expect(Set(published) == Set(expected))
        await pool.close()
    }

    // MARK: Resumption

    @Test func aRebuildKilledMidWayResumesToTheSameResult() async throws {
        let definition = ProjectionDefinition.parksWaitTimes
        let projection = definition.name
        let ns = try TestNamespace.make()
        defer { ns.drop() }
        let s = try ns.session()
        defer { s.close() }
        let events = ParkSimulator(.init(seed: 33, parks: 3, attractionsPerPark: 8)).events(count: 12_000)
        let waitTopic = ns.topics[.parksWaitTimes]
        let produced = try await PipelineRun.produce(events, ns: ns)
        let total = Int64(produced[waitTopic] ?? 0)
        let live = try ProcessorProcess(ns: ns, name: "live", extraArguments: ["--projection", projection])
        let done = try await eventually(timeout: .seconds(120)) { try PipelineRun.folded(s, projection: projection, topic: waitTopic) == total }
        #expect(live.terminate() == 0)
        #expect(done)

        // Killed mid-way: stopped (SIGSTOP) as soon as it has folded a fifth, checked, then killed. On a machine
        // so busy that this task did not look before the rebuild ended, it is tried again with smaller batches.
        let v2Offsets = TablePlacement.version(2, of: projection).name("turnstile_offsets")
        func rebuilt() -> Int64 {
            (try? s.execute("SELECT coalesce(sum(next_offset), 0)::bigint FROM \(v2Offsets)").int(0, 0)) ?? 0
        }
        var killedMidway = false
        for (attempt, batch) in ["50", "10", "2"].enumerated() where !killedMidway {
            let replay = try ProcessorProcess.replay(
                ns: ns, name: "replay-\(attempt)", projection: projection,
                extraArguments: ["--no-swap", "--max-batch", batch])
            let progressed = try await eventually(timeout: .seconds(120), every: .milliseconds(2)) {
                rebuilt() >= total / 5 || !replay.process.isRunning
            }
            replay.stop()
            let at = rebuilt()
            replay.kill9()
            #expect(progressed, "the rebuild made no progress; log: \(replay.log.suffix(2000))")
            killedMidway = at >= total / 5 && at < total
            if !killedMidway, let v2 = try ProjectionVersions().find(projection, 2, session: s) {
                try VersionTables(definition: definition, migrations: Self.migrations, logger: TestStack.logger).drop(v2, session: s)
                try ProjectionVersions().remove(projection, 2, session: s)
            }
        }
        #expect(killedMidway, "every rebuild finished before it could be killed: the test proves nothing")
        #expect(try Self.version(projection, 2, s).status == .building)

        let resumed = try await Self.rebuild(definition, ns: ns) { $0.promote = false }
        #expect(resumed.version.number == 2, "the unfinished version is resumed, not replaced")
        #expect(resumed.version.status == .ready)
        #expect(Int64(resumed.folded) < total, "resumed from its offsets, not from the start")
        let v1 = try Self.version(projection, 1, s)
        #expect(try VersionChecksum.of(definition, version: resumed.version, session: s) .tables
            == VersionChecksum.of(definition, version: v1, session: s).tables)
    }

    // MARK: Time travel

    @Test func aRebuildFromATimeIsRightOnABrokerThatAnswersTimeLookupsWrongly() async throws {
        let definition = ProjectionDefinition.parksWaitTimes
        let ns = try TestNamespace.make()
        defer { ns.drop() }
        let s = try ns.session()
        defer { s.close() }
        _ = try await PipelineRun.produce(ParkSimulator(.init(seed: 37, parks: 2, attractionsPerPark: 5)).events(count: 4_000), ns: ns)
        let topic = ns.topics[.parksWaitTimes]
        let records = try await TopicReader.readAll(topic, ns: ns, quiet: .seconds(1))
        let times = records.compactMap(\.timestampMs).sorted()
        try #require(times.count == records.count && times.count > 100)
        // A third and two thirds of the way through the log's time.
        let from = times[times.count / 3], to = times[times.count * 2 / 3]
        func first(atOrAfter ms: Int64) -> [KafkaTopicPartition: Int64] {
            var result: [KafkaTopicPartition: Int64] = [:]
            for (partition, messages) in Dictionary(grouping: records, by: \.partition) {
                let sorted = messages.sorted { $0.offset < $1.offset }
                result[KafkaTopicPartition(topic: topic, partition: partition)] =
                    sorted.first { ($0.timestampMs ?? 0) >= ms }?.offset ?? (sorted.last!.offset + 1)
            }
            return result
        }
        let expectedFrom = first(atOrAfter: from), expectedTo = first(atOrAfter: to)

        // The broker's own answer, checked: the local broker answers 0 for every time, so the offsets are searched.
        let kafka = ns.kafka
        let found = try await BlockingThread.run(name: "seek") { () throws -> [KafkaTopicPartition: (offset: Int64, source: TimeSeek.Source)] in
            let index = try KafkaTimeIndex(config: kafka, logger: TestStack.logger)
            defer { index.close() }
            var found: [KafkaTopicPartition: (offset: Int64, source: TimeSeek.Source)] = [:]
            for tp in expectedFrom.keys { found[tp] = try TimeSeek.offset(of: tp, atOrAfter: from, in: index) }
            return found
        }
        #expect(found.mapValues(\.offset) == expectedFrom)
        #expect(found.values.contains { $0.source == .search },
                "the local broker answered every time lookup right: the wrong-answer path went untested here")

        let outcome = try await Self.rebuild(definition, ns: ns) {
            $0.from = .time(Timestamp(milliseconds: from))
            $0.to = .time(Timestamp(milliseconds: to))
        }
        let expectedCount = records.filter { ($0.timestampMs ?? 0) >= from && ($0.timestampMs ?? 0) < to }.count
        #expect(outcome.folded == expectedCount)
        // Empty partitions start (and stay) at 0.
        let stored = try Self.offsets(of: outcome.version, s).filter { !$0.hasSuffix(":0") }
        #expect(stored == expectedTo.filter { $0.value > 0 }.map { "\($0.key.topic):\($0.key.partition):\($0.value)" }.sorted())
        #expect(outcome.version.start == Timestamp(milliseconds: from).description)
    }

    // MARK: Bounds

    @Test func aRebuildStartsAndStopsAtTheGivenOffsets() async throws {
        let definition = ProjectionDefinition.parksWaitTimes
        let ns = try TestNamespace.make()
        defer { ns.drop() }
        let s = try ns.session()
        defer { s.close() }
        _ = try await PipelineRun.produce(ParkSimulator(.init(seed: 35, parks: 2, attractionsPerPark: 5)).events(count: 3_000), ns: ns)
        let topic = ns.topics[.parksWaitTimes]
        // Two partitions that hold enough records (keys spread unevenly: some partitions may hold none).
        let perPartition = Dictionary(grouping: try await TopicReader.readAll(topic, ns: ns, quiet: .seconds(1)), by: \.partition).mapValues(\.count)
        let full = perPartition.filter { $0.value >= 60 }.keys.sorted()
        try #require(full.count >= 2, "records per partition: \(perPartition)")
        let p0 = KafkaTopicPartition(topic: topic, partition: full[0]), p1 = KafkaTopicPartition(topic: topic, partition: full[1])
        let outcome = try await Self.rebuild(definition, ns: ns) {
            $0.from = .offsets([p0: 10])
            $0.to = .offsets([p0: 60, p1: 25])
        }
        #expect(!outcome.promoted && outcome.version.status == .ready, "an end other than latest builds without promoting")
        let stored = try Self.offsets(of: outcome.version, s)
        #expect(outcome.folded == 50 + 25, "\(stored)")
        #expect(stored == ["\(topic):\(p0.partition):60", "\(topic):\(p1.partition):25"])
        #expect(outcome.version.start == "\(topic):\(p0.partition):10")
    }
}

/// What the concurrent parts of the promotion test share.
private final class SharedRun: Sendable {
    private let state = Mutex((stopped: false, answers: [String](), produced: [String: Int]()))

    var stopped: Bool { state.withLock { $0.stopped } }
    func stop() { state.withLock { $0.stopped = true } }
    var answers: [String] { state.withLock { $0.answers } }
    func answered(_ answer: String) { state.withLock { $0.answers.append(answer) } }
    func produced(_ more: [String: Int]) { state.withLock { $0.produced.merge(more, uniquingKeysWith: +) } }
    func producedCount(_ topic: String) -> Int { state.withLock { $0.produced[topic] ?? 0 } }
}
