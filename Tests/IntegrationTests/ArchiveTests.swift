import Events
import Foundation
import Ingest
import Kafka
import Processor
import Projections
import Registry
import Replay
import TestSupport
import Testing

/// Archives against the real broker: a topic range exported and imported into another topic comes back
/// record for record (partitions, offsets order, keys, headers, timestamps, values); time bounds take exactly
/// the records between them.
@Suite("ArchiveTests", .enabled(if: TestStack.enabled))
struct ArchiveTests {
    static func produce(_ ns: TestNamespace, topic: String, count: Int) throws -> [KafkaOutgoingMessage] {
        let messages = (0..<count).map { (i: Int) -> KafkaOutgoingMessage in
            let key: [UInt8]? = i % 10 == 0 ? nil : Array("key-\(i % 17)".utf8)
            var value: [UInt8] = Array("value \(i)".utf8)
            value += [0, UInt8(i % 256)]
            let headers: [KafkaHeader] = i % 3 == 0 ? [] : [KafkaHeader(key: "h", value: [UInt8(i % 256)]), KafkaHeader(key: "empty", value: nil)]
            let time: Int64 = 1_716_163_200_000 + Int64(i) * 60_000
            return KafkaOutgoingMessage(topic: topic, key: key, value: value, headers: headers, partition: Int32(i % 3), timestampMs: time)
        }
        let producer = try KafkaProducer(config: ns.kafka, logger: TestStack.logger)
        defer { producer.close() }
        _ = try producer.sendAndWait(messages)
        return messages
    }

    static func byPartition(_ messages: [KafkaMessage]) -> [Int32: [KafkaMessage]] {
        Dictionary(grouping: messages, by: \.partition).mapValues { $0.sorted { $0.offset < $1.offset } }
    }

    @Test func exportThenImportIntoAnotherTopicGivesTheSameRecords() async throws {
        let ns = try TestNamespace.make()
        defer { ns.drop() }
        let source = ns.topics.prefix + "archive-source", copy = ns.topics.prefix + "archive-copy"
        let admin = try KafkaAdmin(config: ns.kafka, logger: TestStack.logger)
        defer { admin.close() }
        _ = try admin.createTopics([KafkaTopicSpec(name: source, partitions: 3), KafkaTopicSpec(name: copy, partitions: 3)])
        let sent = try Self.produce(ns, topic: source, count: 900)
        let path = NSTemporaryDirectory() + "turnstile-\(ns.id).tsa"
        defer { try? FileManager.default.removeItem(atPath: path) }

        let kafka = ns.kafka
        let exported = try await BlockingThread.run(name: "export") {
            try ArchiveTransfer.export(
                topic: source, partitions: [], from: .earliest, to: .latest, path: path, kafka: kafka,
                turnstileVersion: "turnstile test", logger: TestStack.logger)
        }
        #expect(exported.records == sent.count)
        #expect(exported.partitions.map(\.records) == [300, 300, 300])
        #expect(exported.partitions.allSatisfy { $0.firstOffset == 0 && $0.lastOffset == 299 })
        let imported = try await BlockingThread.run(name: "import") {
            try ArchiveTransfer.import(path: path, topic: copy, kafka: kafka, logger: TestStack.logger)
        }
        #expect(imported == exported)

        let original = try await TopicReader.readAll(source, ns: ns, quiet: .seconds(1))
        let copied = try await TopicReader.readAll(copy, ns: ns, quiet: .seconds(1))
        let a = Self.byPartition(original), b = Self.byPartition(copied)
        #expect(a.keys.sorted() == b.keys.sorted())
        for (partition, records) in a {
            let other = b[partition] ?? []
            #expect(records.count == other.count)
            for (x, y) in zip(records, other) {
                #expect(x.key == y.key && x.value == y.value && x.timestampMs == y.timestampMs && x.headers == y.headers,
                        "partition \(partition), offset \(x.offset)")
            }
        }
    }

    @Test func timeBoundsTakeExactlyTheRecordsBetweenThem() async throws {
        let ns = try TestNamespace.make()
        defer { ns.drop() }
        let source = ns.topics.prefix + "archive-times"
        let admin = try KafkaAdmin(config: ns.kafka, logger: TestStack.logger)
        defer { admin.close() }
        _ = try admin.createTopics([KafkaTopicSpec(name: source, partitions: 3)])
        let sent = try Self.produce(ns, topic: source, count: 600)
        let path = NSTemporaryDirectory() + "turnstile-\(ns.id)-times.tsa"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let from = 1_716_163_200_000 + 100 * 60_000, to = 1_716_163_200_000 + 250 * 60_000
        let kafka = ns.kafka
        let summary = try await BlockingThread.run(name: "export") {
            try ArchiveTransfer.export(
                topic: source, partitions: [0, 2], from: .time(Timestamp(milliseconds: Int64(from))), to: .time(Timestamp(milliseconds: Int64(to))),
                path: path, kafka: kafka, turnstileVersion: "turnstile test", logger: TestStack.logger)
        }
        let expected = sent.filter { [0, 2].contains($0.partition ?? -1) && ($0.timestampMs ?? 0) >= from && ($0.timestampMs ?? 0) < to }
        #expect(summary.records == expected.count)
        var read: [ArchiveRecord] = []
        _ = try ArchiveReader.read(path) { read.append($0) }
        #expect(Set(read.map(\.value)) == Set(expected.map(\.value)))
        #expect(read.allSatisfy { ($0.timestampMs ?? 0) >= from && ($0.timestampMs ?? 0) < to && $0.partition != 1 })
    }

    @Test func aFoldOfAnArchiveWithNoBrokerEqualsARebuildFromTheBroker() async throws {
        let definition = ProjectionDefinition.parksWaitTimes
        let ns = try TestNamespace.make()
        defer { ns.drop() }
        let s = try ns.session()
        defer { s.close() }
        _ = try await PipelineRun.produce(ParkSimulator(.init(seed: 41, parks: 2, attractionsPerPark: 6)).events(count: 3_000), ns: ns)
        let topic = ns.topics[.parksWaitTimes]
        let path = NSTemporaryDirectory() + "turnstile-\(ns.id)-fold.tsa"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let kafka = ns.kafka
        let exported = try await BlockingThread.run(name: "export") {
            try ArchiveTransfer.export(
                topic: topic, partitions: [], from: .earliest, to: .latest, path: path, kafka: kafka,
                turnstileVersion: "turnstile test", logger: TestStack.logger)
        }

        var fromBroker = Rebuild.Options()
        fromBroker.promote = false
        var settings = ns.settings()
        settings.groupPrefix = "t\(ns.id)"
        let migrations = TestStack.repository + "/projections/migrations"
        let broker = try await Rebuild(
            definition: definition, topics: ns.topics, settings: settings, migrations: migrations, options: fromBroker,
            logger: TestStack.logger
        ).run()
        // No broker at all: the consumer would fail to connect here.
        var offline = settings
        offline.kafka = KafkaConfig(brokers: "127.0.0.1:1")
        let archive = try await Rebuild(
            definition: definition, topics: ns.topics, settings: offline, migrations: migrations, options: Rebuild.Options(),
            logger: TestStack.logger
        ).fromArchives([path], schema: "whatif")
        #expect(archive.folded == exported.records && broker.folded == exported.records)
        #expect(archive.version.placement == TablePlacement(schema: "whatif"))
        #expect(try ProjectionVersions().list(definition.name, session: s).map(\.number) == [1, 2], "a scratch fold is not a version")
        let a = try VersionChecksum.of(definition, version: broker.version, session: s)
        let b = try VersionChecksum.of(definition, version: archive.version, session: s)
        #expect(a.tables == b.tables && a.tables.first?.rows ?? 0 > 0)
    }
}
