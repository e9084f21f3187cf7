import Events
import Kafka
import Projections
import Testing

@testable import Processor

/// The outbox bundle codec (pure: no stack needed).
@Suite("OutboxBundleTests")
struct OutboxBundleTests {
    static let records = [
        OutboxRecord(
            topic: "parks.attraction-updates", key: Array("p1/a1".utf8), value: Array(#"{"id":"x"}"#.utf8),
            headers: [KafkaHeader(key: "turnstile.type", value: Array("parks.attraction.wait_updated".utf8))],
            eventID: "0b0e8a4e-1c7d-8f00-9a3b-5d1e2f3a4b5c"),
        // A dead letter: no key, binary value, a header without value, no event id.
        OutboxRecord(
            topic: "parks.dead-letters", key: nil, value: [0, 255, 10, 13, 0x7B],
            headers: [KafkaHeader(key: "turnstile.dlq.reason", value: Array("bad".utf8)), KafkaHeader(key: "empty", value: nil)]),
        // Empty key and value are not null.
        OutboxRecord(topic: "t", key: [], value: [], headers: [KafkaHeader(key: "", value: [])], eventID: ""),
    ]

    @Test func recordsRoundTripExactly() throws {
        #expect(try OutboxBundle.decode(OutboxBundle.encode(Self.records)) == Self.records)
        #expect(try OutboxBundle.decode(OutboxBundle.encode([])) == [])
        // Version 1 (uncompressed), as bundles written before compression still sit in outboxes.
        #expect(try OutboxBundle.decode([OutboxBundle.plain] + OutboxBundle.frame(Self.records)) == Self.records)
    }

    /// The worker frames derived events straight from their fields: the bytes must be those of the records
    /// they stand for, in order, mixed with dead letters, with quotes and non-ASCII text in the JSON.
    @Test func derivedEventsFrameExactlyAsTheirRecords() throws {
        let events = (0..<50).map(Self.derivedEvent)
        var builder = OutboxBundle.Builder()
        var records: [OutboxRecord] = []
        for (i, event) in events.enumerated() {
            if i % 20 == 3 {
                builder.append(Self.records[1])
                records.append(Self.records[1])
            }
            builder.append(event)
            records.append(OutboxRecord(event))
        }
        #expect(builder.count == records.count)
        #expect(builder.framed == OutboxBundle.frame(records))
        #expect(try OutboxBundle.decode(builder.encoded()) == records)
        #expect(OutboxBundle.Builder().isEmpty && !builder.isEmpty)
    }

    /// The decoder shares one header list per run of equal headers, and the relay's decode drops event ids.
    @Test func headersInRunsAndWithoutEventIDsRoundTrip() throws {
        let lists: [[KafkaHeader]] = [
            [KafkaHeader(key: "turnstile.type", value: Array("a".utf8))],
            [KafkaHeader(key: "turnstile.type", value: Array("a".utf8))],
            [KafkaHeader(key: "turnstile.type", value: Array("b".utf8))],
            [],
            [KafkaHeader(key: "turnstile.type", value: nil)],
            [KafkaHeader(key: "turnstile.type", value: [])],
            [KafkaHeader(key: "turnstile.type", value: Array("a".utf8)), KafkaHeader(key: "x", value: nil)],
            [KafkaHeader(key: "turnstile.type", value: Array("a".utf8))],
        ]
        let records = lists.enumerated().map { i, headers in
            OutboxRecord(topic: "t", key: [UInt8(i)], value: [UInt8(i)], headers: headers, eventID: i == 3 ? nil : "id-\(i)")
        }
        let bundle = OutboxBundle.encode(records)
        #expect(try OutboxBundle.decode(bundle) == records)
        let withoutIDs = records.map { r in
            var r = r
            r.eventID = nil
            return r
        }
        #expect(try OutboxBundle.decode(bundle, eventIDs: false) == withoutIDs)
    }

    static func derivedEvent(_ i: Int) -> DerivedEvent {
        let attraction = i == 7 ? "Ride \"Ω\" ✓" : "ride-\(i)"
        let wait: Int? = i % 4 == 0 ? nil : i
        let status: AttractionStatus = i % 5 == 0 ? .down : .operating
        let p50: Int? = i % 2 == 0 ? 20 : nil
        let ingest = Timestamp(microseconds: 1_720_000_000_000_000)
        let update = AttractionWaitUpdated(
            parkID: "park-\(i % 3)", attractionID: attraction, waitMinutes: wait, status: status, baselineP50: p50,
            observedAt: Timestamp(microseconds: ingest.microseconds + Int64(i)))
        return DerivedEvent(
            topic: "parks.attraction-updates", payload: update, id: "id-\(i)", source: "parks_wait_times",
            eventTime: Timestamp(microseconds: Int64(i) * 1_000_000), ingestTime: ingest)
    }

    /// The decoder shares one string per run of the same topic: every record must still get its own topic.
    @Test func topicsInRunsAndAlternatingRoundTrip() throws {
        let topics = ["parks.a", "parks.a", "parks.b", "parks.a", "parks.ab", "parks.a", "", "", "parks.a"]
        let records = topics.enumerated().map { i, topic in
            OutboxRecord(topic: topic, key: nil, value: [UInt8(i)], headers: [], eventID: "\(i)")
        }
        let decoded = try OutboxBundle.decode(OutboxBundle.encode(records))
        #expect(decoded.map(\.topic) == topics)
        #expect(decoded == records)
    }

    @Test func bundlesOfDerivedEventsAreCompressed() throws {
        let many = (0..<2_000).map { i in
            OutboxRecord(
                topic: "parks.attraction-updates", key: Array("park-\(i % 10)/ride-\(i % 30)".utf8),
                value: Array(#"{"id":"\#(i)","type":"parks.attraction.wait_updated","payload":{"wait_minutes":\#(i % 90)}}"#.utf8),
                headers: [KafkaHeader(key: "turnstile.type", value: Array("parks.attraction.wait_updated".utf8))])
        }
        let bundle = OutboxBundle.encode(many)
        #expect(bundle.count * 3 < OutboxBundle.frame(many).count)
        #expect(try OutboxBundle.decode(bundle) == many)
    }

    @Test func aTruncatedOrForeignBundleIsAnErrorNotAShorterList() throws {
        // Compressed: every proper prefix fails.
        let bytes = OutboxBundle.encode(Self.records)
        for n in 0..<bytes.count {
            #expect(throws: OutboxBundle.Malformed.self) { try OutboxBundle.decode(Array(bytes.prefix(n))) }
        }
        // Plain: every proper prefix but those ending exactly between records fails.
        let plain = [OutboxBundle.plain] + OutboxBundle.frame(Self.records)
        let boundaries = Set((0...Self.records.count).map { 1 + OutboxBundle.frame(Array(Self.records.prefix($0))).count })
        for n in 0..<plain.count where !boundaries.contains(n) {
            #expect(throws: OutboxBundle.Malformed.self) { try OutboxBundle.decode(Array(plain.prefix(n))) }
        }
        let error = #expect(throws: OutboxBundle.Malformed.self) { try OutboxBundle.decode(Array(plain.dropLast())) }
        #expect(error?.description.contains("truncated") == true)
        #expect(throws: OutboxBundle.Malformed.self) { try OutboxBundle.decode([3] + bytes.dropFirst()) }
        // A stored size the block does not decompress to.
        var wrongSize = bytes
        wrongSize[4] &+= 1
        #expect(throws: OutboxBundle.Malformed.self) { try OutboxBundle.decode(wrongSize) }
    }
}
