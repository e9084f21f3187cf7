import Foundation
import Kafka
import Postgres
import Testing

@testable import Processor
import TestSupport

/// The relay on the real stack: bundles (what processors write) and single-record rows (what a repair
/// writes by hand) go out in outbox order, exactly as stored, a batch at a time; a damaged bundle stays put.
@Suite("OutboxRelayTests", .enabled(if: TestStack.enabled))
struct OutboxRelayTests {
    @Test func bundlesAndSingleRowsAreRelayedInOrderAndDeleted() async throws {
        let ns = try TestNamespace.make()
        defer { ns.drop() }
        let topic = ns.topics[.parksDeadLetters]  // one partition: one total order to check
        let table = "turnstile_outbox"
        func record(_ n: Int, key: String? = nil, headers: [KafkaHeader] = []) -> OutboxRecord {
            OutboxRecord(topic: topic, key: key.map { Array($0.utf8) }, value: Array("v\(n)".utf8), headers: headers)
        }
        let s = try ns.session()
        defer { s.close() }
        try OutboxRecord.insert(
            [record(1, key: "k1", headers: [KafkaHeader(key: "h", value: [0, 1, 2])]), record(2), record(3, key: "k3")],
            table: table, session: s)
        try s.execute(
            "INSERT INTO \(table) (topic, key, value, headers) VALUES ($1, $2, $3, $4::jsonb)",
            [.text(topic), .bytea(Array("k4".utf8)), .bytea(Array("v4".utf8)), .json(#"[["h4","x"],["n",null]]"#)])
        try OutboxRecord.insert([record(5), record(6, key: "k6")], table: table, session: s)
        // Rows are limited by the records they hold: the first bundle alone fills a batch of 2; the rest fits.
        let relay = OutboxRelay(databaseURL: ns.databaseURL, kafka: ns.kafka, table: table, batchSize: 2, logger: TestStack.logger)
        let producer = try KafkaProducer(config: ns.kafka, logger: TestStack.logger)
        defer { producer.close() }
        #expect(try relay.relayOnce(session: s, producer: producer) == 3)
        #expect(try s.execute("SELECT count(*) FROM \(table)").int(0, 0) == 2)
        #expect(try relay.relayOnce(session: s, producer: producer) == 3)
        #expect(try relay.relayOnce(session: s, producer: producer) == 0)
        #expect(try s.execute("SELECT count(*) FROM \(table)").int(0, 0) == 0)

        let got = try await TopicReader.readAll(topic, ns: ns)
        #expect(got.map { String(decoding: $0.value, as: UTF8.self) } == (1...6).map { "v\($0)" })
        #expect(got.map { $0.key.map { String(decoding: $0, as: UTF8.self) } } == ["k1", nil, "k3", "k4", nil, "k6"])
        #expect(got[0].headers == [KafkaHeader(key: "h", value: [0, 1, 2])])
        #expect(got[3].headers == [KafkaHeader(key: "h4", value: Array("x".utf8)), KafkaHeader(key: "n", value: nil)])
        #expect(got[1].headers.isEmpty)
    }

    @Test func aDamagedBundleIsReportedAndKept() throws {
        let ns = try TestNamespace.make()
        defer { ns.drop() }
        let table = "turnstile_outbox"
        let s = try ns.session()
        defer { s.close() }
        try s.execute("INSERT INTO \(table) (records, record_count) VALUES ($1, 1)", [.bytea([1, 0, 9, 65])])
        let relay = OutboxRelay(databaseURL: ns.databaseURL, kafka: ns.kafka, table: table, logger: TestStack.logger)
        let producer = try KafkaProducer(config: ns.kafka, logger: TestStack.logger)
        defer { producer.close() }
        let error = #expect(throws: OutboxRelayError.self) { try relay.relayOnce(session: s, producer: producer) }
        #expect(error?.description.contains("truncated") == true)
        #expect(try s.execute("SELECT count(*) FROM \(table)").int(0, 0) == 1)
        // The table admits one form per row, not a mix.
        #expect(throws: PGError.self) {
            try s.execute(
                "INSERT INTO \(table) (topic, value, records) VALUES ('t', '\\x00'::bytea, '\\x01'::bytea)")
        }
    }
}
