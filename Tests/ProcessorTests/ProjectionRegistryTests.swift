import Catalog
import TestSupport
import Events
import Postgres
import Processor
import QueryService
import Projections
import Registry
import Testing

/// The registry is the one list of projections: what every other part discovers them from.
@Suite struct ProjectionRegistryTests {
    @Test func namesAndTablesAreUnique() {
        let names = ProjectionRegistry.names
        #expect(Set(names).count == names.count)
        #expect(names == [
            "parks_wait_times", "parks_crowd", "parks_weather", "parks_attraction_context", "parks_wait_predictions", "parks_crowd_forecast", "motorsport_session", "motorsport_telemetry", "motorsport_commentary", "parking_occupancy",
        ])
        let tables = ProjectionRegistry.tables.map(\.name)
        #expect(Set(tables).count == tables.count, "two projections declare the same table")
        // Nor may a projection table take a runtime table's name.
        #expect(Set(tables).isDisjoint(with: RuntimeTables().placeholders.values))
    }

    @Test func everyProjectionDeclaresWhatItReadsAndWrites() throws {
        for p in ProjectionRegistry.all {
            #expect(!p.inputTopics.isEmpty, "\(p.name)")
            #expect(!p.tables.isEmpty, "\(p.name)")
            #expect(!p.summary.isEmpty, "\(p.name)")
            #expect(p.deadLetterTopic.baseName.hasSuffix(".dead-letters"), "\(p.name)")
            // A fold never reads what it writes: that would loop.
            #expect(Set(p.inputTopics).isDisjoint(with: p.derivedTopics), "\(p.name)")
            // Its state must be somewhere: in at least one table that mirrors it.
            #expect(p.tables.contains { $0.mirrorsState }, "\(p.name) mirrors its fold state in no table")
            #expect(try ProjectionRegistry.named(p.name).name == p.name)
        }
        #expect(throws: UnknownProjection.self) { try ProjectionRegistry.named("nope") }
    }

    @Test func workersAreMadeForADeploymentAndPlacement() throws {
        let settings = ProcessorSettings(databaseURL: "postgres://unused", kafka: .init(brokers: "127.0.0.1:1"), deadLetterTopic: "unused")
        let workers = try ProjectionRegistry.workers([], settings: settings, topics: TopicNames(prefix: "x."), logger: .init(label: "t"))
        #expect(workers.map(\.healthName) == ProjectionRegistry.names)
        #expect(throws: UnknownProjection.self) {
            _ = try ProjectionRegistry.workers(["parks_crowd", "nope"], settings: settings, logger: .init(label: "t"))
        }
    }

    @Test func everyProjectionServesItsTablesOverTheQueryService() async {
        let pool = PGPool(url: "postgres://unused@127.0.0.1:1/unused", maxConnections: 1)
        for p in ProjectionRegistry.all {
            #expect(p.routes(pool: pool, tables: TablePlacement(suffix: "_v2")) != nil, "\(p.name) serves no read routes")
        }
        #expect(ProjectionRegistry.routes(pool: pool).count == ProjectionRegistry.all.count)
        await pool.close()
    }
}

/// A raw topic read by several projections has its refusals dead-lettered once: by one projection only.
@Suite struct DeadLetterOwnershipTests {
    @Test func everyInputTopicsRefusalsAreDeadLetteredByExactlyOneProjection() {
        let topics = TopicNames(prefix: "x.")
        var owners: [String: [String]] = [:]
        for definition in ProjectionRegistry.all {
            for topic in definition.inputTopics.map({ topics[$0] }) where definition.deadLettersRefusals(from: topic, topics: topics) {
                owners[topic, default: []].append(definition.name)
            }
        }
        let read = Set(ProjectionRegistry.all.flatMap { $0.inputTopics.map { topics[$0] } })
        #expect(Set(owners.keys) == read, "a topic whose refusals nobody dead-letters")
        #expect(owners.filter { $0.value.count > 1 }.isEmpty, "\(owners.filter { $0.value.count > 1 })")
    }
}

/// A projection's change notice survives its NOTIFY payload, and never passes PostgreSQL's limit.
@Suite struct ProjectionChangeNoticeTests {
    @Test func payloadsRoundTripAndSayEverythingWhenTooLong() {
        let notice = ProjectionChangeNotice(projection: "motorsport_session", keys: ["race 2", "race-1"])
        #expect(ProjectionChangeNotice(payload: notice.payload) == ProjectionChangeNotice(projection: "motorsport_session", keys: ["race 2", "race-1"].sorted()))
        let many = ProjectionChangeNotice(projection: "parking_occupancy", keys: (0..<2_000).map { "garage-\($0)" })
        #expect(many.payload.utf8.count < 8_000)
        #expect(ProjectionChangeNotice(payload: many.payload) == ProjectionChangeNotice(projection: "parking_occupancy", keys: nil))
        #expect(ProjectionChangeNotice(payload: "") == nil && ProjectionChangeNotice(payload: "p") == nil)
        // Only the projections whose definitions declare changes announce them.
        #expect(Set(ProjectionRegistry.changes.map(\.projection)) == ["motorsport_session", "parking_occupancy"])
    }
}

/// What `GET /v1/stream` carries is declared on the projections: each streamed topic is one of its projection's
/// derived topics (checked when the definition is made) and its event types are the catalog's.
@Suite struct StreamedTopicsTests {
    @Test func everyStreamedTopicCarriesTheCatalogsEventTypes() throws {
        let catalog = try TopicCatalog.load(directory: TestStack.repository + "/topics")
        let streamed = ProjectionRegistry.streamed
        #expect(Set(streamed.map(\.topic)).count == streamed.count, "a topic is streamed by one projection")
        for s in streamed {
            let declared = try #require(catalog[s.topic.baseName]).eventTypes.map(\.type)
            #expect(Set(s.eventTypes) == Set(declared), "\(s.topic.baseName): streams \(s.eventTypes), the catalog says \(declared)")
        }
        // The dashboards' topics: current waits, crowd levels, forecasts, race events, commentary, parking.
        for topic: Topic in [.parksAttractionUpdates, .parksCrowdLevels, .parksWaitPredictions, .parksCrowdForecasts, .motorsportRaceEvents,
                             .motorsportCommentary, .parkingAlerts, .parkingForecasts] {
            #expect(streamed.contains { $0.topic == topic }, "\(topic.baseName) is streamed")
        }
    }
}
