import Catalog
import Events
import Foundation
import Ingest
import Testing

@Suite struct ParkSimulatorTests {
    @Test func sameSeedSameEvents() {
        let a = ParkSimulator(.init(seed: 5, parks: 2, attractionsPerPark: 4)).events(count: 500)
        let b = ParkSimulator(.init(seed: 5, parks: 2, attractionsPerPark: 4)).events(count: 500)
        #expect(a.count == 500)
        #expect(a.map(\.id) == b.map(\.id))
        #expect(a.map(\.payload) == b.map(\.payload))
        #expect(a.map(\.eventTime) == b.map(\.eventTime))
        let c = ParkSimulator(.init(seed: 6, parks: 2, attractionsPerPark: 4)).events(count: 500)
        #expect(a.map(\.payload) != c.map(\.payload))
    }

    @Test func everyEventIsValidAndDaysLookLikeParkDays() throws {
        let router = RawEventRouter()
        var waits: [Int: [Int]] = [:]  // local hour → waits
        var schedules = 0, down = 0
        for e in ParkSimulator(.init(seed: 1, parks: 1, attractionsPerPark: 10)).events(count: 6_000) {
            _ = try router.route(e)
            if e.type == ParkScheduleUpdated.eventType { schedules += 1; continue }
            let o = try e.decode(WaitTimeObserved.self)
            if o.status == .down { down += 1 }
            guard o.status == .operating, let w = o.waitMinutes else { continue }
            #expect(w % 5 == 0)
            let local = e.eventTime.hourOfWeek(offsetSeconds: TimeZone(identifier: o.timeZone!)!.secondsFromGMT(for: Date(timeIntervalSince1970: Double(e.eventTime.seconds))))
            waits[local.hour, default: []].append(w)
        }
        #expect(schedules >= 2)
        #expect(down > 0)
        // Open hours only, and afternoons busier than mornings.
        #expect(waits.keys.allSatisfy { (8..<22).contains($0) })
        func mean(_ h: Int) -> Double { Double(waits[h, default: [0]].reduce(0, +)) / Double(max(1, waits[h, default: []].count)) }
        #expect(mean(14) > mean(9))
    }

    /// The process that makes persistence hard to beat (ParkSimulator's documentation): busy and quiet days,
    /// autocorrelated waits within a day, downtime, rain, and the real feeds' faults.
    @Test func daysVaryAndTheFeedsFaultsAreThere() throws {
        let simulator = ParkSimulator(.init(seed: 3, parks: 2, attractionsPerPark: 12, weather: true))
        var dailyMean: [String: (sum: Int, n: Int)] = [:]
        var overnightZeros: [String: Int] = [:], closedZeros = 0, rainyHours = 0, weatherReports = 0, forecasts = 0
        var previous: [String: Int] = [:], steps = 0, repeats = 0
        let end = simulator.configuration.start.adding(seconds: 28 * 86_400)
        for e in simulator {
            guard e.eventTime < end else { break }
            if e.type == ParkWeatherHour.eventType {
                let w = try e.decode(ParkWeatherHour.self)
                // The hour just begun is observed; later hours are forecasts, revised every hour.
                if w.hour <= e.eventTime {
                    weatherReports += 1
                    if (w.precipitationMM ?? 0) > 0 { rainyHours += 1 }
                } else {
                    forecasts += 1
                    #expect(w.hour.seconds - e.eventTime.seconds <= 3 * 3600)
                }
                continue
            }
            guard e.type == WaitTimeObserved.eventType else { continue }
            let o = try e.decode(WaitTimeObserved.self)
            let zone = TimeZone(identifier: o.timeZone!)!
            let local = e.eventTime.hourOfWeek(offsetSeconds: zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(e.eventTime.seconds))))
            let (open, close) = ParkSimulator.hours(weekday: local.dayOfWeek)
            if o.status == .closed, o.waitMinutes == 0 { closedZeros += 1 }
            guard o.status == .operating, let w = o.waitMinutes else { continue }
            if Double(local.hour) < open || Double(local.hour) >= close {
                #expect(w == 0, "overnight readings are re-stamped zeros")
                overnightZeros[o.parkID, default: 0] += 1
                continue
            }
            if o.parkID == "sim-1", o.attractionID == "ride-1" {
                let day = e.eventTime.seconds / 86_400
                dailyMean["\(day)", default: (0, 0)].sum += w
                dailyMean["\(day)", default: (0, 0)].n += 1
                if let p = previous[o.attractionID] { steps += 1; if p == w { repeats += 1 } }
                previous[o.attractionID] = w
            }
        }
        // Busy and quiet days: the busiest weekday's mean is far above the quietest's.
        let means = dailyMean.values.map { Double($0.sum) / Double($0.n) }
        #expect(means.max()! > 1.6 * means.min()!)
        // Autocorrelated: consecutive 5-minute readings are often equal once rounded to 5 minutes.
        #expect(Double(repeats) / Double(steps) > 0.3)
        #expect(overnightZeros["sim-2", default: 0] > 0 && overnightZeros["sim-1"] == nil, "every second park re-stamps zeros")
        #expect(closedZeros > 0)
        #expect(weatherReports >= 2 * 28 * 24 - 2 && rainyHours > 0 && forecasts > 2 * 28 * 20)
        // Without the faults, no zeros at all.
        let clean = ParkSimulator(.init(seed: 3, parks: 2, attractionsPerPark: 4, feedFaults: false)).events(count: 5_000)
        #expect(try clean.filter { $0.type == WaitTimeObserved.eventType }.allSatisfy { try $0.decode(WaitTimeObserved.self).waitMinutes != 0 })
    }
}

@Suite struct TopicCatalogTests {
    static let topicsDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("topics").path

    @Test func catalogHasEveryTopicTheCodeUses() throws {
        let catalog = try TopicCatalog.load(directory: Self.topicsDir)
        // Both ways: every topic the code names is in the catalog, and the code knows every topic of the catalog.
        #expect(catalog.topics.map(\.name).sorted() == Topic.allCases.map(\.baseName).sorted())
        let prefixed = TopicNames(prefix: "x.")
        #expect(prefixed.all == Topic.allCases.map { "x." + $0.baseName })
        #expect(Topic.allCases.allSatisfy { prefixed.topic(named: prefixed[$0]) == $0 })
        #expect(prefixed.topic(named: "parks.wait-times") == nil)
        // The crowd fold reads both topics under the park key: they must be co-partitioned.
        #expect(catalog[TopicNames.standard[.parksAttractionUpdates]]?.partitions == catalog[TopicNames.standard[.parksSchedules]]?.partitions)
        #expect(catalog[TopicNames.standard[.parksWaitTimes]]?.eventTypes.map(\.type) == [WaitTimeObserved.eventType])
        #expect(catalog.prefixed("x.").topics.allSatisfy { $0.name.hasPrefix("x.parks.") || $0.name.hasPrefix("x.motorsport.") || $0.name.hasPrefix("x.parking.") })
        // Every raw type the router accepts is listed on the topic it is routed to.
        let router = RawEventRouter()
        for type in router.acceptedTypes {
            let topics = catalog.topics.filter { $0.eventTypes.contains { $0.type == type } }
            #expect(topics.count == 1, "\(type) is listed on \(topics.map(\.name))")
        }
        #expect(catalog[TopicNames.standard[.motorsportTiming]]?.eventTypes.count == 7)
        #expect(catalog[TopicNames.standard[.parkingSensors]]?.eventTypes.count == 5)
    }

    @Test func badDefinitionsAreRefusedWithTheField() {
        let bad = try! JSONParser.parse(#"{"name":"t","partitions":0,"retention_ms":1,"cleanup_policy":"delete","key":"k"}"#)
        #expect(throws: CatalogError.self) { try TopicDefinition(json: bad, file: "t.json") }
        let policy = try! JSONParser.parse(#"{"name":"t","partitions":1,"retention_ms":1,"cleanup_policy":"keep","key":"k"}"#)
        do { _ = try TopicDefinition(json: policy, file: "t.json"); Issue.record("accepted") } catch {
            #expect(error.description.contains("cleanup_policy"))
        }
    }
}
