import Events
import Testing

@Suite struct EnvelopeTests {
    let observation = WaitTimeObserved(
        parkID: "16", attractionID: "284", attractionName: "Space Mountain", waitMinutes: 35, status: .operating,
        timeZone: "America/Los_Angeles")

    @Test func roundTripsThroughJSON() throws {
        let t = Timestamp(iso8601: "2024-12-14T18:05:00Z")!
        let e = EventEnvelope(observation, id: "id-1", source: "test", eventTime: t, ingestTime: t.adding(seconds: 2))
        #expect(e.key == "16/284")
        let back = try EventEnvelope.decode(e.encoded())
        #expect(back == e)
        #expect(try back.decode(WaitTimeObserved.self) == observation)
    }

    /// From an array the payload stays a slice of it, from a pointer a copy: both read the same.
    @Test func arrayAndPointerDecodingAgree() throws {
        let json = Array(
            #"{"id":"a","type":"parks.wait_time.observed","schema_version":1,"event_time":"2024-12-14T18:05:00Z","ingest_time":"2024-12-14T18:05:01Z","payload":{"park_id":"1","attraction_id":"2","wait_minutes":5,"status":"OPERATING"}}"#
                .utf8)
        let fromArray = try EventEnvelope.decode(json)
        let fromPointer = try json.withUnsafeBufferPointer { (p) throws(EventValidationError) in try EventEnvelope.decode(p) }
        #expect(fromArray == fromPointer)
        #expect(fromArray.type == WaitTimeObserved.eventType)
        #expect(try fromArray.decode(WaitTimeObserved.self).attractionID == "2")
        #expect(try fromPointer.decode(WaitTimeObserved.self).waitMinutes == 5)
        #expect(fromArray.payload == .object([
            ("park_id", .string("1")), ("attraction_id", .string("2")), ("wait_minutes", .int(5)), ("status", .string("OPERATING")),
        ]))
        // A value in the middle of a poll's shared buffer: the payload slice is taken at the right offset.
        let buffer = Array(#"{"id":"before"}"#.utf8) + json + Array(#"{"payload":{"park_id":"after"}}"#.utf8)
        let start = #"{"id":"before"}"#.utf8.count
        let fromSlice = try EventEnvelope.decode(buffer[start..<start + json.count])
        #expect(fromSlice == fromArray)
        #expect(try fromSlice.decode(WaitTimeObserved.self) == fromArray.decode(WaitTimeObserved.self))
    }

    /// Known types come out as the very strings the payload types declare; unknown or escaped ones as read.
    @Test func typesAreInternedOnlyWhenKnown() throws {
        func type(_ raw: String) throws -> String {
            try EventEnvelope.decode(Array(#"{"type":\#(raw),"schema_version":1,"event_time":"2024-12-14T18:05:00Z","payload":{}}"#.utf8)).type
        }
        #expect(try type(#""parks.wait_time.observed""#) == "parks.wait_time.observed")
        #expect(try type(#""parks.wait_time.observe""#) == "parks.wait_time.observe")
        #expect(try type(#""parks.wait_time.observedX""#) == "parks.wait_time.observedX")
        #expect(try type(#""parks.wait_time.observed""#) == "parks.wait_time.observed")
        #expect(throws: EventValidationError.self) { try type("7") }
        #expect(Set(EventTypes.all.map { $0.eventType }).count == EventTypes.all.count)
    }

    @Test func nullWaitIsKeptAsMissing() throws {
        let json = #"{"type":"parks.wait_time.observed","schema_version":1,"event_time":"2024-12-14T18:05:00Z","payload":{"park_id":16,"attraction_id":"9","wait_minutes":null,"status":"CLOSED"}}"#
        let e = try EventEnvelope.decode(Array(json.utf8))
        let o = try e.decode(WaitTimeObserved.self)
        #expect(o.waitMinutes == nil)
        #expect(o.parkID == "16")
        #expect(o.status == .closed)
        #expect(e.source == "unknown")
        #expect(!e.id.isEmpty)
    }

    @Test(arguments: [
        (#"{"schema_version":1,"event_time":"2024-12-14T18:05:00Z","payload":{}}"#, "type"),
        (#"{"type":"parks.wait_time.observed","schema_version":"1","event_time":"2024-12-14T18:05:00Z","payload":{}}"#, "schema_version"),
        (#"{"type":"parks.wait_time.observed","schema_version":1,"event_time":"noon","payload":{}}"#, "event_time"),
        (#"{"type":"parks.wait_time.observed","schema_version":1,"event_time":"2024-12-14T18:05:00Z"}"#, "payload"),
        (#"{"type":"parks.wait_time.observed","schema_version":1,"event_time":"2024-12-14T18:05:00Z","payload":{"attraction_id":"1","status":"OPERATING"}}"#, "payload.park_id"),
        (#"{"type":"parks.wait_time.observed","schema_version":1,"event_time":"2024-12-14T18:05:00Z","ingest_time":"2024-12-14T18:05:01Z","payload":{"park_id":"1","attraction_id":"1","status":"OPEN"}}"#, "payload.status"),
        (#"{"type":"parks.wait_time.observed","schema_version":1,"event_time":"2024-12-14T18:05:00Z","ingest_time":"2024-12-14T18:05:01Z","payload":{"park_id":"1","attraction_id":"1","status":"OPERATING","wait_minutes":-5}}"#, "payload.wait_minutes"),
        (#"{"type":"parks.wait_time.observed","schema_version":1,"event_time":"2024-12-14T18:05:00Z","ingest_time":"2024-12-14T18:05:01Z","payload":{"park_id":"1","attraction_id":"1","status":"OPERATING","wait_minutes":"10"}}"#, "payload.wait_minutes"),
        (#"{"type":"parks.wait_time.observed","schema_version":2,"event_time":"2024-12-14T18:05:00Z","payload":{"park_id":"1","attraction_id":"1","status":"OPERATING"}}"#, "schema_version"),
        (#"{"type":"parks.wait_time.observed","schema_version":1,"event_time":"2024-12-14T18:05:00Z","payload":{"park_id":"a/b","attraction_id":"1","status":"OPERATING"}}"#, "payload.park_id"),
        (#"not json"#, ""),
    ])
    func invalidEventsNameTheField(_ json: String, _ field: String) {
        do {
            let e = try EventEnvelope.decode(Array(json.utf8))
            _ = try e.decode(WaitTimeObserved.self)
            Issue.record("accepted \(json)")
        } catch {
            #expect(error.field == field, "\(error)")
        }
    }

    @Test func derivedIDsAreDeterministicAndDistinct() {
        let a = EventID.derived("parks_crowd", "event-1")
        #expect(a == EventID.derived("parks_crowd", "event-1"))
        #expect(a != EventID.derived("parks_crowd", "event-2"))
        #expect(EventID.derived("ab", "c") != EventID.derived("a", "bc"))
        #expect(a.count == 36)
        #expect(EventID.random() != EventID.random())
    }

    @Test func crowdLevelThresholds() {
        #expect(CrowdLevel(ratio: 0) == .veryLow)
        #expect(CrowdLevel(ratio: 0.49) == .veryLow)
        #expect(CrowdLevel(ratio: 0.5) == .low)
        #expect(CrowdLevel(ratio: 0.8) == .moderate)
        #expect(CrowdLevel(ratio: 1.0) == .moderate)
        #expect(CrowdLevel(ratio: 1.1) == .high)
        #expect(CrowdLevel(ratio: 1.4) == .veryHigh)
        #expect(CrowdLevel(ratio: 1.79) == .veryHigh)
        #expect(CrowdLevel(ratio: 1.8) == .extreme)
        #expect(CrowdLevel(ratio: 9) == .extreme)
    }
}
