import Events
import Foundation
import Ingest
import Kafka
import Postgres
import Processor
import Registry
import Synchronization
import TestSupport

/// Producing test events and waiting for the processors to fold them.
enum PipelineRun {
    /// Produces raw events to their (prefixed) topics; returns how many went to each topic.
    @discardableResult
    static func produce(_ events: [EventEnvelope], ns: TestNamespace) async throws -> [String: Int] {
        let producer = try KafkaProducer(config: ns.kafka, logger: TestStack.logger)
        defer { producer.close() }
        let publisher = EventPublisher(producer: producer, router: RawEventRouter(topics: ns.topics))
        var perTopic: [String: Int] = [:]
        for chunk in stride(from: 0, to: events.count, by: 5_000) {
            let slice = Array(events[chunk..<min(chunk + 5_000, events.count)])
            _ = try await publisher.publish(slice)
            for e in slice { perTopic[try publisher.router.route(e).topic, default: 0] += 1 }
        }
        return perTopic
    }

    /// Sum of stored next offsets of a projection on a topic (offsets start at 0 on fresh topics).
    static func folded(_ s: PGSession, projection: String, topic: String) throws -> Int64 {
        try s.execute(
            "SELECT coalesce(sum(next_offset), 0)::bigint FROM turnstile_offsets WHERE projection = $1 AND topic = $2",
            [.text(projection), .text(topic)]).int(0, 0) ?? 0
    }

    /// True once both parks projections have folded everything `expected` implies and the outbox is empty.
    ///
    /// A relay killed between the broker's acknowledgement and its delete publishes some derived events twice
    /// (the crowd fold drops the repeats), so the derived topic may hold more than `expected.derivedUpdates`
    /// records: the crowd projection is caught up when it has folded all of them, counted by reading the topic.
    static func caughtUp(_ s: PGSession, ns: TestNamespace, produced: [String: Int], expected: ExpectedParks) async throws -> Bool {
        let outbox = try s.execute("SELECT count(*) FROM turnstile_outbox").int(0, 0) ?? -1
        let derivedFolded = try folded(s, projection: "parks_crowd", topic: ns.topics[.parksAttractionUpdates])
        guard try folded(s, projection: "parks_wait_times", topic: ns.topics[.parksWaitTimes]) == Int64(produced[ns.topics[.parksWaitTimes]] ?? 0),
            try folded(s, projection: "parks_crowd", topic: ns.topics[.parksSchedules]) == Int64(produced[ns.topics[.parksSchedules]] ?? 0),
            derivedFolded >= Int64(expected.derivedUpdates), outbox == 0
        else { return false }
        let published = try await TopicReader.readAll(ns.topics[.parksAttractionUpdates], ns: ns, quiet: .seconds(1)).count
        return try folded(s, projection: "parks_crowd", topic: ns.topics[.parksAttractionUpdates]) == Int64(published)
    }

    /// Runs both parks projections and the relay in this process until `condition` holds, then stops them
    /// the way SIGTERM does.
    static func runInProcess(ns: TestNamespace, timeout: Duration, until condition: @escaping () async throws -> Bool) async throws -> Bool {
        let settings = ns.settings()
        let runners = try ProjectionRegistry.workers([], settings: settings, topics: ns.topics, logger: TestStack.logger)
        let relay = OutboxRelay(databaseURL: ns.databaseURL, kafka: ns.kafka, table: "turnstile_outbox", logger: TestStack.logger)
        let all: [any BlockingRunner] = runners + [relay]
        return try await withThrowingTaskGroup(of: Bool.self) { group in
            for runner in all {
                group.addTask { try await BlockingThread.run(name: runner.name) { try runner.run() }; return false }
            }
            let done = try await eventually(timeout: timeout, condition)
            for runner in all { runner.stop() }
            try await group.waitForAll()
            return done
        }
    }
}
