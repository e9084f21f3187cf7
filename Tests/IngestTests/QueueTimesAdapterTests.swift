import Events
import Foundation
import Ingest
import TestSupport
import Testing

@Suite struct QueueTimesAdapterTests {
    // Written for these tests with the real feed's quirks: closed rides at wait 0, rides both in lands and at
    // the top level, ™ and escaped quotes in names, one shared last_updated, a ride without last_updated.
    static let payload = #"""
    {"lands":[{"id":17,"name":"Adventureland","rides":[
        {"id":2,"name":"Indiana Jones™ and the \"Temple\"","is_open":true,"wait_time":35,"last_updated":"2024-05-23T18:40:04.000Z"},
        {"id":7,"name":"Pirates’ Cove","is_open":false,"wait_time":0,"last_updated":"2024-05-23T18:40:04.000Z"},
        {"id":9,"name":"No Time","is_open":true,"wait_time":5}]}],
     "rides":[{"id":14375,"name":"Holiday Fun","is_open":true,"wait_time":0,"last_updated":"2024-05-23T18:40:04.000Z"}]}
    """#
    let now = Timestamp(iso8601: "2024-05-23T18:41:00Z")!

    @Test func readsRidesWithTheirQuirks() throws {
        let batch = try QueueTimesAdapter(parkID: "4", timeZone: "Europe/Paris").read(try JSONParser.parse(Self.payload), ingestTime: now)
        let observations = try batch.events.map { try $0.decode(WaitTimeObserved.self) }
        #expect(observations.map(\.attractionID).sorted() == ["14375", "2", "7"])
        let byID = Dictionary(uniqueKeysWithValues: observations.map { ($0.attractionID, $0) })
        #expect(byID["2"]?.waitMinutes == 35)
        #expect(byID["2"]?.status == .operating)
        #expect(byID["2"]?.attractionName == "Indiana Jones™ and the \"Temple\"")
        // Closed rides report 0: that is no wait, not a zero-minute wait.
        #expect(byID["7"]?.waitMinutes == nil)
        #expect(byID["7"]?.status == .closed)
        #expect(byID["14375"]?.waitMinutes == 0)
        #expect(byID["2"]?.timeZone == "Europe/Paris")
        #expect(batch.events.allSatisfy { $0.eventTime == Timestamp(iso8601: "2024-05-23T18:40:04Z")! && $0.key.hasPrefix("4/") })
        #expect(batch.skipped.count == 1)
        #expect(batch.skipped.first?.contains("last_updated") == true)
    }

    @Test func sameReadingGivesTheSameEventID() throws {
        let a = try QueueTimesAdapter(parkID: "4").read(try JSONParser.parse(Self.payload), ingestTime: now)
        let b = try QueueTimesAdapter(parkID: "4").read(try JSONParser.parse(Self.payload), ingestTime: now.adding(seconds: 300))
        #expect(a.events.map(\.id) == b.events.map(\.id))
    }

    @Test func parkIDFromLocation() {
        #expect(QueueTimesAdapter.parkID(fromLocation: "https://queue-times.com/parks/16/queue_times.json") == "16")
        #expect(QueueTimesAdapter.parkID(fromLocation: "/data/park28_walt_disney_studios.json") == "28")
        #expect(QueueTimesAdapter.parkID(fromLocation: "/data/rides.json") == nil)
    }

    @Test func rejectsOtherPayloads() {
        #expect(throws: FeedFormatError.self) { try QueueTimesAdapter(parkID: "1").read(try JSONParser.parse(#"{"liveData":[]}"#), ingestTime: now) }
        #expect(throws: FeedFormatError.self) { try QueueTimesAdapter(parkID: "1").read(try JSONParser.parse("[]"), ingestTime: now) }
    }

    @Test(.enabled(if: RealFeeds.available)) func readsTheRealQueueTimesFiles() throws {
        for file in try RealFeeds.files("queue_times") {
            let park = QueueTimesAdapter.parkID(fromLocation: file)!
            let batch = try QueueTimesAdapter(parkID: park).read(try JSONParser.parse(try RealFeeds.bytes(file)), ingestTime: now)
            let raw = try JSONParser.parse(try RealFeeds.bytes(file))
            let rides = (raw["rides"]?.arrayValue?.count ?? 0) + (raw["lands"]?.arrayValue ?? []).reduce(0) { $0 + ($1["rides"]?.arrayValue?.count ?? 0) }
            #expect(batch.events.count == rides, "\(file)")
            #expect(batch.skipped.isEmpty, "\(file): \(batch.skipped)")
            for e in batch.events {
                let o = try e.decode(WaitTimeObserved.self)
                if o.status == .closed { #expect(o.waitMinutes == nil) }
            }
        }
    }
}

/// `../shared/real-feeds` beside the checkout: real payloads; absent in a user's clone (tests then skip).
enum RealFeeds {
    static var root: String { TestEnvironment.realFeeds }
    static let available = FileManager.default.fileExists(atPath: root)

    static func files(_ folder: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: root + "/" + folder).filter { $0.hasSuffix(".json") }.sorted()
            .map { root + "/" + folder + "/" + $0 }
    }

    static func bytes(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else { throw CocoaError(.fileReadNoSuchFile) }
        return [UInt8](data)
    }
}
