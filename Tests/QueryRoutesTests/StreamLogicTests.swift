import Events
import NIOCore
import Testing
import TestSupport

@testable import QueryService

/// The stream's decisions, without a broker: ids, filters, the cursor that keeps a resumed client from seeing a
/// record twice, what a Last-Event-ID comes to, the wire format, and a client's bounded queue.
@Suite struct StreamLogicTests {
    static let streamed = [
        StreamedTopic(.parksAttractionUpdates, [AttractionWaitUpdated.self]), StreamedTopic(.parksCrowdLevels, [CrowdLevelChanged.self]),
        StreamedTopic(.motorsportRaceEvents, [FastestLapSet.self, PitStopCompleted.self]), StreamedTopic(.parkingAlerts, [SensorOffline.self]),
    ]

    static func record(_ topic: Topic, _ partition: Int32, _ offset: Int64, subject: String = "p1", type: String? = nil) -> StreamRecord {
        let type = type ?? streamed.first { $0.topic == topic }!.eventTypes[0]
        return StreamRecord(topic: topic, partition: partition, offset: offset, subject: subject, type: type, value: Array("{\"n\":\(offset)}".utf8))
    }

    @Test func positionsRoundTripAndRefuseAnythingElse() {
        let position = StreamPosition([.parksCrowdLevels: [0, 127, 128], .parkingAlerts: [1 << 40, 5, 0, 0, 0, 9]])
        let id = position.encoded
        #expect(StreamPosition(encoded: id) == position)
        #expect(id.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }, "base64url: \(id)")
        #expect(StreamPosition(encoded: StreamPosition().encoded) == StreamPosition())
        for bad in ["", "!!!!", "AQ=", String(id.dropLast()), "AgM", "A" + id, id + "AAAA"] {
            #expect(StreamPosition(encoded: bad) == nil || StreamPosition(encoded: bad) != position, "\(bad)")
        }
        // A topic index out of the catalog, topics out of order, a zero partition count: refused.
        #expect(StreamPosition(encoded: Base64URL.encode([1, 200, 1, 0])) == nil)
        #expect(StreamPosition(encoded: Base64URL.encode([1, 4, 1, 0, 3, 1, 0])) == nil)
        #expect(StreamPosition(encoded: Base64URL.encode([1, 4, 0])) == nil)
        #expect(StreamPosition(encoded: Base64URL.encode([2, 4, 1, 0])) == nil, "another version")
    }

    @Test func base64URLMatchesRFC4648() {
        // RFC 4648 §10 vectors, in the URL alphabet without padding.
        let vectors = [("", ""), ("f", "Zg"), ("fo", "Zm8"), ("foo", "Zm9v"), ("foob", "Zm9vYg"), ("fooba", "Zm9vYmE"), ("foobar", "Zm9vYmFy")]
        for (plain, encoded) in vectors {
            #expect(Base64URL.encode(Array(plain.utf8)) == encoded)
            #expect(Base64URL.decode(encoded) == Array(plain.utf8))
        }
        #expect(Base64URL.encode([0xFB, 0xFF]) == "-_8")
        #expect(Base64URL.decode("Zh") == nil, "leftover bits must be zero")
        #expect(Base64URL.decode("Z") == nil)
        #expect(Base64URL.decode("Zm+v") == nil, "the standard alphabet is not this one")
    }

    @Test func filtersChooseTopicsAndRecords() {
        let all = StreamFilter(available: Self.streamed)
        #expect(all.topics == [.parksAttractionUpdates, .parksCrowdLevels, .motorsportRaceEvents, .parkingAlerts])
        #expect(all.matches(Self.record(.parkingAlerts, 0, 1, subject: "garage-9")))

        let park = StreamFilter(subjects: [.park: "p1"], available: Self.streamed)
        #expect(park.topics == [.parksAttractionUpdates, .parksCrowdLevels], "a park names the parks domain only")
        #expect(park.matches(Self.record(.parksCrowdLevels, 2, 7, subject: "p1")))
        #expect(!park.matches(Self.record(.parksCrowdLevels, 2, 7, subject: "p10")), "the whole subject, not a prefix")
        #expect(!park.matches(Self.record(.motorsportRaceEvents, 0, 1, subject: "p1")))

        let two = StreamFilter(subjects: [.park: "p1", .session: "s1"], available: Self.streamed)
        #expect(two.topics == [.parksAttractionUpdates, .parksCrowdLevels, .motorsportRaceEvents])
        #expect(two.matches(Self.record(.motorsportRaceEvents, 0, 1, subject: "s1")))
        #expect(!two.matches(Self.record(.motorsportRaceEvents, 0, 1, subject: "s2")))

        let types = StreamFilter(types: [PitStopCompleted.eventType], available: Self.streamed)
        #expect(types.topics == [.motorsportRaceEvents])
        #expect(types.matches(Self.record(.motorsportRaceEvents, 0, 1, subject: "s", type: PitStopCompleted.eventType)))
        #expect(!types.matches(Self.record(.motorsportRaceEvents, 0, 2, subject: "s", type: FastestLapSet.eventType)))
    }

    static let leaderboard = StreamedChange("motorsport.leaderboard.changed", scope: .session, path: "/v1/sessions/{id}/leaderboard", projection: "motorsport_session")
    static let occupancy = StreamedChange("parking.occupancy.changed", scope: .facility, path: "/v1/facilities/{id}/occupancy", projection: "parking_occupancy")

    @Test func projectionChangesAreChosenLikeTopics() {
        let changes = [Self.leaderboard, Self.occupancy]
        let session = StreamFilter(subjects: [.session: "s1"], available: Self.streamed, changes: changes)
        #expect(session.changes == [Self.leaderboard])
        #expect(session.wanted(Self.leaderboard, keys: ["s0", "s1", "s2"]) == ["s1"])
        #expect(session.wanted(Self.leaderboard, keys: ["s2"]) == nil)
        #expect(session.wanted(Self.leaderboard, keys: nil) == ["s1"], "any key may have changed: the client's own")
        #expect(session.wanted(Self.occupancy, keys: ["g"]) == nil)
        let all = StreamFilter(available: Self.streamed, changes: changes)
        #expect(all.wanted(Self.occupancy, keys: ["g1", "g2"]) == ["g1", "g2"])
        #expect(all.wanted(Self.occupancy, keys: nil) == [nil])
        let typed = StreamFilter(types: ["parking.occupancy.changed"], available: Self.streamed, changes: changes)
        #expect(typed.topics.isEmpty && typed.changes == [Self.occupancy])
    }

    @Test func aPendingChangeIsAnnouncedOnce() async {
        let client = StreamClient(id: 1, filter: StreamFilter(available: Self.streamed, changes: [Self.leaderboard]), limit: 10)
        client.announce(Self.leaderboard, subjects: ["s1", "s2"])
        client.announce(Self.leaderboard, subjects: ["s1"])
        guard case .success(let items) = await client.take() else { Issue.record("expected items"); return }
        let subjects = items.compactMap { item -> String? in if case .change(_, let s) = item { s } else { nil } }
        #expect(subjects == ["s1", "s2"])
    }

    @Test func changeLinksArePercentEncoded() {
        #expect(PercentEncoding.pathSegment("race 1/ü") == "race%201%2F%C3%BC")
        #expect(PercentEncoding.decode(PercentEncoding.pathSegment("race 1/ü~._-")) == "race 1/ü~._-")
    }

    @Test func theCursorLetsEachRecordThroughOnce() {
        var cursor = StreamCursor(StreamPosition([.parksCrowdLevels: [5, 0]]))
        let admitted = [
            cursor.admit(Self.record(.parksCrowdLevels, 0, 4)),  // before the cursor: seen
            cursor.admit(Self.record(.parksCrowdLevels, 0, 5)),
            cursor.admit(Self.record(.parksCrowdLevels, 0, 5)),  // again: a repeat
            cursor.admit(Self.record(.parksCrowdLevels, 1, 0)),
            cursor.admit(Self.record(.parksCrowdLevels, 2, 0)),  // a partition it does not know
            cursor.admit(Self.record(.parksAttractionUpdates, 0, 0)),  // a topic it does not read
        ]
        #expect(admitted == [false, true, false, true, false, false])
        #expect(cursor.position == StreamPosition([.parksCrowdLevels: [6, 1]]))
        // The hub's position moves it past skipped records, never back, and adds no topic.
        cursor.advance(to: StreamPosition([.parksCrowdLevels: [3, 9], .parkingAlerts: [4]]))
        #expect(cursor.position == StreamPosition([.parksCrowdLevels: [6, 9]]))
    }

    @Test func aLastEventIDComesToACatchUpOrAReset() {
        let topics: [Topic] = [.parksCrowdLevels]
        let live = StreamPosition([.parksCrowdLevels: [10, 20, 30]])
        let kept = StreamPosition([.parksCrowdLevels: [0, 5, 0]])
        func decide(_ id: String?, maxReplay: Int64 = 1_000, end: StreamPosition? = nil) -> StreamResumePlan {
            StreamResumePlan.decide(id: id, topics: topics, live: live, kept: kept, end: end, maxReplay: maxReplay)
        }
        #expect(decide(nil) == .fresh)
        #expect(decide("") == .fresh)
        let asked = StreamPosition([.parksCrowdLevels: [7, 20, 31]])
        #expect(decide(asked.encoded) == .catchUp(cursor: asked, ranges: [.init(topic: .parksCrowdLevels, partition: 0, from: 7, to: 10)]),
                "a partition ahead of this hub is not read again: the cursor skips what it has seen")
        func isReset(_ plan: StreamResumePlan, _ words: String) -> Bool {
            if case .reset(let reason) = plan { return reason.contains(words) }
            return false
        }
        #expect(isReset(decide("garbage!"), "not one this service gave"))
        #expect(isReset(decide(StreamPosition([.parkingAlerts: [1]]).encoded), "other filters"))
        #expect(isReset(decide(StreamPosition([.parksCrowdLevels: [1, 2]]).encoded), "has 3 partitions now, 2"))
        #expect(isReset(decide(StreamPosition([.parksCrowdLevels: [10, 4, 30]]).encoded), "no longer kept"))
        #expect(isReset(decide(StreamPosition([.parksCrowdLevels: [0, 5, 0]]).encoded, maxReplay: 49), "55 events were missed"))
        #expect(decide(StreamPosition([.parksCrowdLevels: [0, 5, 0]]).encoded, maxReplay: 55) != .fresh)
        #expect(isReset(decide(StreamPosition([.parksCrowdLevels: [10, 20, 99]]).encoded, end: StreamPosition([.parksCrowdLevels: [10, 20, 40]])), "past its end"))
    }

    @Test func eventsAreFramedAsTheSpecReadsThem() {
        var buffer = ByteBuffer()
        ServerSentEvents.appendRetry(milliseconds: 1500, to: &buffer)
        ServerSentEvents.appendEvent(id: "abc", event: "x.y", data: Array("{\"a\":1}".utf8), to: &buffer)
        ServerSentEvents.appendComment("heartbeat", to: &buffer)
        ServerSentEvents.appendEvent(id: nil, event: "z", data: Array("one\ntwo\r\nthree\rfour".utf8), to: &buffer)
        var parser = ServerSentEventParser()
        parser.feed(Array(buffer.readableBytesView))
        #expect(parser.retry == 1500)
        #expect(parser.comments == ["heartbeat"])
        #expect(parser.events == [
            .init(id: "abc", name: "x.y", data: "{\"a\":1}"),
            .init(id: "abc", name: "z", data: "one\ntwo\nthree\nfour"),
        ])
    }

    @Test func aClientPastItsBoundIsCutOffAndNeverWaitedFor() async {
        let client = StreamClient(id: 1, filter: StreamFilter(available: Self.streamed), limit: 3)
        let first = client.offer([Self.record(.parksCrowdLevels, 0, 0), Self.record(.parksCrowdLevels, 0, 1)], then: StreamPosition([.parksCrowdLevels: [2]]))
        let second = client.offer([], then: StreamPosition([.parksCrowdLevels: [3]]))
        #expect(first && second)
        client.heartbeat()
        guard case .success(let items) = await client.take() else { Issue.record("expected items"); return }
        #expect(items.count == 3, "two records and the latest position only; no heartbeat when there is something to send")
        client.heartbeat()
        guard case .success(let quiet) = await client.take(), case .heartbeat = quiet.first else { Issue.record("expected a heartbeat"); return }
        let full = client.offer([Self.record(.parksCrowdLevels, 0, 3), Self.record(.parksCrowdLevels, 0, 4), Self.record(.parksCrowdLevels, 0, 5)], then: nil)
        let over = client.offer([Self.record(.parksCrowdLevels, 0, 6)], then: nil)
        let after = client.offer([Self.record(.parksCrowdLevels, 0, 7)], then: nil)
        #expect(full && !over && !after, "the fourth pending record passes the bound; nothing is taken after")
        guard case .failure(let ended) = await client.take() else { Issue.record("expected the end"); return }
        #expect(ended.end == .overflowed(limit: 3), "what was queued is dropped: the client resumes by id")
        client.end(.shutdown)
        #expect(client.ended == .overflowed(limit: 3), "the first ending stands")
    }
}
