@testable import Events
import Testing

/// What a hostile producer can write to a topic (or POST), and what every decoder must say about it: an error
/// naming the field, the same on the byte path (the processors' hot path) and the tree path (ingest, and the
/// reference), never a value the database cannot hold or a time that pins a projection.
@Suite struct HostileInputTests {
    static let head = #"{"id":"e1","type":"parks.wait_time.observed","schema_version":1,"event_time":"2024-05-24T12:01:00Z","ingest_time":"2024-05-24T12:01:02Z","payload":"#

    /// The error (or nil) of a whole envelope decoded both ways; both ways must agree.
    static func refusal(_ json: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) -> EventValidationError? {
        func viaBytes() -> EventValidationError? {
            do {
                _ = try EventEnvelope.decode(json).decode(WaitTimeObserved.self)
                return nil
            } catch { return error }
        }
        func viaTree() -> EventValidationError? {
            do throws(EventValidationError) {
                let tree: JSONValue
                do { tree = try JSONParser.parse(json) } catch { throw EventValidationError(error) }
                _ = try EventEnvelope(json: tree).decode(WaitTimeObserved.self)
                return nil
            } catch { return error }
        }
        let bytes = viaBytes(), tree = viaTree()
        #expect(bytes?.field == tree?.field, "byte and tree paths disagree: \(String(describing: bytes)) vs \(String(describing: tree))", sourceLocation: sourceLocation)
        return bytes
    }

    static func refusal(payload: String, sourceLocation: SourceLocation = #_sourceLocation) -> EventValidationError? {
        refusal(Array((head + payload + "}").utf8), sourceLocation: sourceLocation)
    }

    static func payload(park: String = "p1", attraction: String = "ride", name: String? = nil) -> String {
        var s = #"{"park_id":"\#(park)","attraction_id":"\#(attraction)","wait_minutes":15,"status":"OPERATING""#
        if let name { s += #","attraction_name":"\#(name)""# }
        return s + "}"
    }

    @Test func aValidObservationPasses() {
        #expect(Self.refusal(payload: Self.payload()) == nil)
        #expect(Self.refusal(payload: Self.payload(name: "Space Mountain™ ’")) == nil)
    }

    // MARK: Text the database cannot hold

    @Test(arguments: [#"ride\u0000x"#, #"ride\u0001"#, #"\u001f"#, #"x\u007fy"#, #"x\u0085y"#, #"\n"#])
    func controlCharactersInIdsAreRefusedNamingTheField(_ escaped: String) throws {
        let error = try #require(Self.refusal(payload: Self.payload(attraction: escaped)))
        #expect(error.field == "payload.attraction_id")
        #expect(error.reason.contains("control character"))
        let inPark = try #require(Self.refusal(payload: Self.payload(park: escaped)))
        #expect(inPark.field == "payload.park_id")
    }

    @Test func controlCharactersInNamesAreRefusedOnBothPaths() throws {
        let error = try #require(Self.refusal(payload: Self.payload(name: #"Space\u0000Mountain"#)))
        #expect(error.field == "payload.attraction_name")
        // A raw DEL is plain to the byte scanner: the rule still holds there.
        let del = try #require(Self.refusal(payload: Self.payload(name: "Space\u{7F}Mountain")))
        #expect(del.field == "payload.attraction_name")
    }

    @Test func idsAreBoundedInLength() throws {
        #expect(Self.refusal(payload: Self.payload(attraction: String(repeating: "a", count: TextRules.maxIdentifierBytes))) == nil)
        let long = try #require(Self.refusal(payload: Self.payload(attraction: String(repeating: "a", count: TextRules.maxIdentifierBytes + 1))))
        #expect(long.field == "payload.attraction_id")
        #expect(long.reason.contains("at most \(TextRules.maxIdentifierBytes)"))
        let huge = try #require(Self.refusal(payload: Self.payload(park: String(repeating: "p", count: 100_000))))
        #expect(huge.field == "payload.park_id")
        // The message does not repeat 100 kB of input.
        #expect(huge.description.utf8.count < 300)
    }

    @Test func invalidUTF8IsRefusedNotRepaired() throws {
        for bad: [UInt8] in [[0xFF], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82]] {
            let json = Array((Self.head + #"{"park_id":"p1","attraction_id":"ride"#).utf8) + bad
                + Array(#"","wait_minutes":15,"status":"OPERATING"}}"#.utf8)
            let error = try #require(Self.refusal(json))
            #expect(error.field == "payload.attraction_id")
            #expect(error.reason.contains("UTF-8"))
        }
    }

    @Test func utf8CheckAgreesWithTheStandardLibrary() {
        var rng = SystemRandomNumberGenerator()
        let alphabet: [UInt8] = [0x41, 0x7F, 0x80, 0xBF, 0xC2, 0xC0, 0xE0, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF, 0xA0, 0x9F, 0x8F, 0x90]
        for _ in 0..<20_000 {
            let bytes = (0..<Int.random(in: 0...12, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }
            let ours = bytes.withUnsafeBufferPointer { JSONBytes.isValidUTF8($0.baseAddress ?? UnsafePointer(bitPattern: 1)!, $0.count) }
            #expect(ours == (String(validating: bytes, as: UTF8.self) != nil), "\(bytes)")
        }
    }

    /// The word-at-a-time scans agree with plain byte loops, wherever the special bytes fall.
    @Test func wordScansAgreeWithByteLoops() {
        var rng = SystemRandomNumberGenerator()
        let alphabet: [UInt8] = [0x41, 0x61, 0x20, 0x22, 0x5C, 0x1F, 0x00, 0x7F, 0x80, 0x9F, 0xA0, 0xC2, 0xC3, 0xE2, 0xFF]
        for _ in 0..<20_000 {
            let bytes = (0..<Int.random(in: 0...24, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }
            bytes.withUnsafeBufferPointer { b in
                let base = b.baseAddress ?? UnsafePointer(bitPattern: 1)!
                var nonASCII = false
                let run = JSONBytes.plainRun(base, b.count, nonASCII: &nonASCII)
                let expectedRun = b.firstIndex { $0 == 0x22 || $0 == 0x5C || $0 < 0x20 } ?? b.count
                #expect(run == expectedRun, "\(bytes)")
                #expect(nonASCII == b[..<expectedRun].contains { $0 >= 0x80 }, "\(bytes)")
                let problem = JSONBytes.textProblem(b.baseAddress, b.count, maxBytes: 1_000)
                var expected: JSONBytes.TextProblem?
                for i in b.indices {
                    if b[i] < 0x20 || b[i] == 0x7F { expected = .controlCharacter(UInt32(b[i])); break }
                    if b[i] == 0xC2, i + 1 < b.count, b[i + 1] < 0xA0 { expected = .controlCharacter(UInt32(b[i + 1])); break }
                }
                #expect(problem == expected, "\(bytes)")
            }
        }
    }

    // MARK: Keys given twice

    @Test func aPayloadMemberGivenTwiceIsAnErrorNamingIt() throws {
        let error = try #require(Self.refusal(payload: #"{"park_id":"p1","attraction_id":"a","attraction_id":"b","status":"OPERATING"}"#))
        #expect(error.field == "payload.attraction_id")
        #expect(error.reason.contains("given twice"))
    }

    @Test func anEnvelopeMemberGivenTwiceIsAnErrorNamingIt() throws {
        let json = #"{"id":"e1","type":"parks.wait_time.observed","schema_version":1,"event_time":"2024-05-24T12:01:00Z","event_time":"2030-01-01T00:00:00Z","payload":"# + Self.payload() + "}"
        let error = try #require(Self.refusal(Array(json.utf8)))
        #expect(error.field == "event_time")
    }

    @Test func namesGivenTwiceAreFoundWhateverTheirSpellingOrNesting() throws {
        // The same name escaped differently is the same name.
        let escaped = try #require(Self.refusal(payload: #"{"park_id":"p1","park\u005fid":"p2","attraction_id":"a","status":"OPERATING"}"#))
        #expect(escaped.field == "payload.park_id")
        // In an object nobody reads, deep inside.
        let nested = try #require(Self.refusal(payload: #"{"park_id":"p1","attraction_id":"a","status":"OPERATING","x":[{"k":1},{"k":1,"k":2}]}"#))
        #expect(nested.field == "payload.x[1].k")
        // More members than the parser keeps on the stack.
        let many = (0..<20).map { #""m\#($0)":1"# }.joined(separator: ",")
        let wide = try #require(Self.refusal(payload: #"{"park_id":"p1","attraction_id":"a","status":"OPERATING",\#(many),"m3":2}"#))
        #expect(wide.field == "payload.m3")
        #expect(Self.refusal(payload: #"{"park_id":"p1","attraction_id":"a","status":"OPERATING",\#(many)}"#) == nil)
    }

    // MARK: Times

    @Test(arguments: [
        "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "1969-12-31T23:59:59Z", "2200-01-01T00:00:00Z",
    ])
    func timesOutsideTheAcceptedRangeAreRefused(_ time: String) throws {
        let json = #"{"id":"e1","type":"parks.wait_time.observed","schema_version":1,"event_time":"\#(time)","ingest_time":"2024-05-24T12:01:02Z","payload":"# + Self.payload() + "}"
        let error = try #require(Self.refusal(Array(json.utf8)))
        #expect(error.field == "event_time")
        #expect(error.reason.contains("outside the accepted range"))
    }

    @Test(arguments: [
        "2024-02-30T12:00:00Z", "2023-02-29T12:00:00Z", "2024-05-24T12:01:00", "2024-05-24T12:01Z", "2024-05-24",
        "2024-05-24T12:01:00+25:00", "2024-05-24T12:01:00+0200", "2024-05-24T12:01:00 UTC",
    ])
    func timesThatAreNotStrictRFC3339AreRefused(_ time: String) throws {
        let json = #"{"id":"e1","type":"parks.wait_time.observed","schema_version":1,"event_time":"\#(time)","ingest_time":"2024-05-24T12:01:02Z","payload":"# + Self.payload() + "}"
        let error = try #require(Self.refusal(Array(json.utf8)))
        #expect(error.field == "event_time")
        #expect(Timestamp(rfc3339: time) == nil)
    }

    @Test func strictTimesStillReadEveryRFC3339Form() {
        #expect(Timestamp(rfc3339: "2024-02-29T12:00:00Z") != nil)
        #expect(Timestamp(rfc3339: "2024-05-24T14:01:00.5+02:00") == Timestamp(rfc3339: "2024-05-24T12:01:00.500Z"))
        #expect(Timestamp(rfc3339: "2024-05-24T12:01:00.123456789-00:00")?.microseconds == Timestamp(rfc3339: "2024-05-24T12:01:00.123456Z")?.microseconds)
        // Feeds' own forms stay readable by adapters (`Timestamp(iso8601:)`), never by event decoders.
        #expect(Timestamp(iso8601: "2024-05-24T12:01:00") != nil)
        #expect(Timestamp(iso8601: "2024-02-30T12:00:00Z") == nil)
    }

    @Test func eventTimesFarAheadOfTheirIngestTimeAreRefused() throws {
        let ahead = #"{"id":"e1","type":"parks.wait_time.observed","schema_version":1,"event_time":"2024-05-26T12:01:00Z","ingest_time":"2024-05-24T12:01:02Z","payload":"# + Self.payload() + "}"
        let error = try #require(Self.refusal(Array(ahead.utf8)))
        #expect(error.field == "event_time")
        let justAhead = #"{"id":"e1","type":"parks.wait_time.observed","schema_version":1,"event_time":"2024-05-24T13:01:00Z","ingest_time":"2024-05-24T12:01:02Z","payload":"# + Self.payload() + "}"
        #expect(Self.refusal(Array(justAhead.utf8)) == nil)
    }

    // MARK: Shapes

    @Test func deepNestingAndTruncationAreRefused() throws {
        let deep = #"{"park_id":"p1","attraction_id":"a","status":"OPERATING","x":"# + String(repeating: "[", count: 100) + String(repeating: "]", count: 100) + "}"
        let error = try #require(Self.refusal(payload: deep))
        #expect(error.reason.contains("nesting"))
        let truncated = Array((Self.head + Self.payload()).utf8.dropLast(5))
        #expect(Self.refusal(truncated) != nil)
        #expect(Self.refusal(Array("".utf8)) != nil)
    }

    @Test func numbersBeyondTheirRangesAreRefused() throws {
        let big = try #require(Self.refusal(payload: #"{"park_id":"p1","attraction_id":"a","wait_minutes":99999999999999999999,"status":"OPERATING"}"#))
        #expect(big.field == "payload.wait_minutes")
        let updated = #"{"park_id":"p1","attraction_id":"a","wait_minutes":9223372036854775807,"status":"OPERATING","baseline_p50":1,"observed_at":"2024-05-24T12:01:00Z"}"#
        #expect(throws: EventValidationError.self) { try AttractionWaitUpdated(payload: FieldReader(try JSONParser.parse(updated))) }
    }

    @Test func schedulesNeedARealCalendarDate() throws {
        func schedule(_ date: String) throws -> ParkScheduleUpdated {
            let json = #"{"park_id":"p1","date":"\#(date)","opens_at":"2024-05-24T08:00:00Z","closes_at":"2024-05-24T20:00:00Z"}"#
            return try ParkScheduleUpdated(payload: FieldReader(try JSONParser.parse(json)))
        }
        #expect(try schedule("2024-05-24").date == "2024-05-24")
        for bad in ["2024-02-30", "2023-02-29", "0000-01-01", "2024-5-24"] {
            #expect(throws: EventValidationError.self, "\(bad)") { try schedule(bad) }
        }
    }

    /// Derived events at the edges of what the folds can produce decode again: a replay or any consumer of
    /// them must never dead-letter Turnstile's own output.
    @Test func derivedEventsAtTheFoldsLimitsDecodeAgain() throws {
        let t = Timestamp(iso8601: "2024-05-24T12:00:00Z")!
        func roundTrip<P: EventPayload>(_ payload: P) throws {
            let envelope = EventEnvelope(payload, source: "test", eventTime: t, ingestTime: t)
            _ = try EventEnvelope.decode(envelope.encoded()).decode(P.self)
        }
        let lastLap = Int(MotorsportLimits.lapNumber.upperBound)
        try roundTrip(PacePredicted(
            sessionID: "s", driverNumber: 99, lapNumber: lastLap + 1, predictedLapDuration: 90, uncertainty: 0.1, compound: nil,
            tyreAge: Int(MotorsportLimits.tyreAgeAtStart.upperBound) + lastLap + 1, degradation: 0.05, cleanLaps: lastLap))
        try roundTrip(PitStopCompleted(sessionID: "s", driverNumber: 1, lapNumber: lastLap, laneDuration: nil, stopDuration: nil, pitCount: lastLap))
        // Two areas of 60 000 spaces: a facility total over one area's limit.
        try roundTrip(OccupancyThresholdCrossed(facilityID: "f", direction: .up, occupied: 110_000, capacity: 120_000, thresholdPercent: 90))
        try roundTrip(OccupancyForecast(
            facilityID: "f", capacity: 120_000, occupied: 110_000, steps: [.init(time: t.adding(seconds: 900), occupied: 115_000)],
            profileWeight: 0.5))
    }

    @Test func layoutsHaveBoundedAreas() throws {
        let areas = (0...ParkingLimits.maxAreas).map { #"{"zone":"z\#($0)","capacity":100000}"# }.joined(separator: ",")
        let json = #"{"facility_id":"f1","areas":[\#(areas)]}"#
        #expect(throws: EventValidationError.self) { try FacilityLayout(payload: FieldReader(try JSONParser.parse(json))) }
    }
}
