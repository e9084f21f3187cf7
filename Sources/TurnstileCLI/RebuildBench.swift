import Catalog
import Events
import Foundation
import Ingest
import Kafka
import Logging
import Postgres
import Processor
import Projections
import Registry
import Replay

/// The rebuild benchmark: a new version of parks_wait_times rebuilt from the log (`Rebuild`, no promotion),
/// beside the raw rates it is held against, measured in the same run on the same records: raw consume of the
/// topic and raw binary COPY of the same rows into a hypertable as bare as the rebuild's (secondary indexes
/// deferred), in batches of the rebuild's size. Scratch topics and database, like the other benches.
struct RebuildBench {
    let kafka: KafkaConfig
    let baseURL: String
    let logger: Logger
    let events: Int
    let maxBatch: Int
    let say: (String, String) -> Void

    func run() async throws {
        let id = String(UUID().uuidString.prefix(6)).lowercased()
        let simulator = ParkSimulator(.init(seed: 99, parks: 10, attractionsPerPark: 30))
        let envelopes = Array(simulator.lazy.filter { $0.type == WaitTimeObserved.eventType }.prefix(events))
        say("events (wait-time observations)", "\(envelopes.count)")

        let scratch = try BenchScratch(id: id, kafka: kafka, baseURL: baseURL, logger: logger)
        defer { scratch.remove() }
        let topics = scratch.topics

        let producer = try KafkaProducer(config: kafka, logger: logger)
        let router = RawEventRouter(topics: topics)
        let messages = try envelopes.map { EventPublisher.message(try router.route($0)) }
        for chunk in stride(from: 0, to: messages.count, by: 20_000) {
            _ = try await producer.send(Array(messages[chunk..<min(chunk + 20_000, messages.count)]))
        }
        producer.close()

        let kafka = self.kafka, logger = self.logger, url = scratch.databaseURL, batch = maxBatch
        let consumeRate = try await BlockingThread.run(name: "bench-consume") {
            try BenchCommand.measureConsume(topic: topics[.parksWaitTimes], count: messages.count, kafka: kafka, group: "bench-\(id)-raw", logger: logger)
        }
        say("raw consume (librdkafka)", BenchCommand.rate(consumeRate))
        let copyRate = try await BlockingThread.run(name: "bench-copy") {
            try BenchCommand.measureCopy(envelopes, databaseURL: url, batch: batch, indexes: false)
        }
        say("raw binary COPY (hypertable without secondary indexes, \(batch)-row batches)", BenchCommand.rate(copyRate))

        var options = Rebuild.Options()
        options.promote = false
        options.maxBatch = maxBatch
        let settings = ProcessorSettings(
            databaseURL: url, kafka: kafka, groupPrefix: "bench-\(id)", deadLetterTopic: topics[.parksDeadLetters])
        let outcome = try await Rebuild(
            definition: .parksWaitTimes, topics: topics, settings: settings, migrations: defaultDirectory("projections/migrations"),
            options: options, logger: logger
        ).run()
        guard outcome.folded == envelopes.count else {
            throw BenchError(message: "the rebuild folded \(outcome.folded) of \(envelopes.count) events")
        }
        let rebuildRate = Double(outcome.folded) / outcome.seconds
        say("rebuild of parks_wait_times (new version, indexes deferred, nothing published)", BenchCommand.rate(rebuildRate))
        say("  ratio to the lower raw rate (consume, COPY)", String(format: "%.2f", rebuildRate / min(consumeRate, copyRate)))

        // The machine drifts between phases: the same COPY again, after the rebuild.
        let copyAgain = try await BlockingThread.run(name: "bench-copy") {
            try BenchCommand.measureCopy(envelopes, databaseURL: url, batch: batch, indexes: false)
        }
        say("raw binary COPY again, after the rebuild (drift check)", BenchCommand.rate(copyAgain))
        say("  rebuild ÷ that COPY", String(format: "%.2f", rebuildRate / copyAgain))
    }
}
