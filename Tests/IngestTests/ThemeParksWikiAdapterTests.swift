import Events
import Ingest
import Testing

@Suite struct ThemeParksWikiAdapterTests {
    // Written for these tests with the real feed's quirks: non-ride entities, missing queue, several queue
    // types, a null STANDBY wait, a months-old lastUpdated, DOWN and REFURBISHMENT.
    static let payload = #"""
    {"id":"park-uuid","name":"Demo Park","entityType":"PARK","timezone":"America/Los_Angeles","liveData":[
      {"id":"park-uuid","name":"Demo Park","entityType":"PARK","status":"OPERATING","lastUpdated":"2026-02-03T21:18:41Z"},
      {"id":"a1","name":"Coaster","entityType":"ATTRACTION","parkId":"park-uuid","status":"OPERATING","lastUpdated":"2026-02-03T21:18:41Z",
       "queue":{"STANDBY":{"waitTime":45},"SINGLE_RIDER":{"waitTime":10},"RETURN_TIME":{"state":"AVAILABLE"}}},
      {"id":"a2","name":"Old House","entityType":"ATTRACTION","parkId":"park-uuid","status":"CLOSED","lastUpdated":"2025-04-29T15:40:54Z"},
      {"id":"a3","name":"Boats","entityType":"ATTRACTION","parkId":"park-uuid","status":"OPERATING","lastUpdated":"2026-02-03T21:18:41Z","queue":{"STANDBY":{"waitTime":null}}},
      {"id":"a4","name":"Drop","entityType":"ATTRACTION","parkId":"park-uuid","status":"DOWN","lastUpdated":"2026-02-03T21:10:00Z","queue":{"STANDBY":{"waitTime":30}}},
      {"id":"a5","name":"Mine","entityType":"ATTRACTION","parkId":"park-uuid","status":"REFURBISHMENT","lastUpdated":"2026-01-10T08:00:00Z"},
      {"id":"s1","name":"Parade","entityType":"SHOW","parkId":"park-uuid","status":"OPERATING","lastUpdated":"2026-02-03T21:18:41Z"},
      {"id":"r1","name":"Diner","entityType":"RESTAURANT","parkId":"park-uuid","status":"OPERATING","lastUpdated":"2026-02-03T21:18:41Z"},
      {"id":"a6","name":"Odd","entityType":"ATTRACTION","parkId":"park-uuid","status":"SOMETHING","lastUpdated":"2026-02-03T21:18:41Z"}]}
    """#
    let now = Timestamp(iso8601: "2026-02-03T21:20:00Z")!

    @Test func readsAttractionsOnly() throws {
        let batch = try ThemeParksWikiAdapter().read(try JSONParser.parse(Self.payload), ingestTime: now)
        let o = Dictionary(uniqueKeysWithValues: try batch.events.map { try $0.decode(WaitTimeObserved.self) }.map { ($0.attractionID, $0) })
        #expect(o.keys.sorted() == ["a1", "a2", "a3", "a4", "a5"])
        #expect(o["a1"]?.waitMinutes == 45)
        #expect(o["a2"]?.waitMinutes == nil && o["a2"]?.status == .closed)
        #expect(o["a3"]?.waitMinutes == nil && o["a3"]?.status == .operating)
        // A DOWN ride's posted wait is not a wait.
        #expect(o["a4"]?.waitMinutes == nil && o["a4"]?.status == .down)
        #expect(o["a5"]?.status == .refurbishment)
        #expect(o["a1"]?.timeZone == "America/Los_Angeles")
        #expect(batch.events.first { $0.key == "park-uuid/a2" }?.eventTime == Timestamp(iso8601: "2025-04-29T15:40:54Z"))
        #expect(batch.skipped.count == 1 && batch.skipped[0].contains("SOMETHING"))
    }

    @Test func readsSnapshotLists() throws {
        let wrapped = "[{\"timestamp\":\"2026-02-03T21:20:45Z\",\"parks\":[\(Self.payload)]},{\"timestamp\":\"x\",\"parks\":[\(Self.payload)]}]"
        let batch = try ThemeParksWikiAdapter().read(try JSONParser.parse(wrapped), ingestTime: now)
        #expect(batch.events.count == 10)
    }

    @Test(.enabled(if: RealFeeds.available)) func readsTheRealThemeParksWikiFiles() throws {
        for file in try RealFeeds.files("themeparks_wiki") {
            let json = try JSONParser.parse(try RealFeeds.bytes(file))
            let batch = try ThemeParksWikiAdapter().read(json, ingestTime: now)
            let parks = json.arrayValue.map { $0.flatMap { $0["parks"]?.arrayValue ?? [] } } ?? [json]
            let attractions = parks.flatMap { $0["liveData"]?.arrayValue ?? [] }.filter { $0["entityType"]?.stringValue == "ATTRACTION" }
            #expect(batch.events.count + batch.skipped.count == attractions.count, "\(file)")
            #expect(batch.events.count > 0)
            let router = RawEventRouter()
            for e in batch.events { _ = try router.route(e) }
        }
    }
}
