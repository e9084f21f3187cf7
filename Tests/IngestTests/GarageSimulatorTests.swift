import Events
import Foundation
import Ingest
import Testing

@Suite struct GarageSimulatorTests {
    /// 40 bay sensors over a weekday (Monday), with every kind of fault; heartbeats every 10 minutes keep it quick.
    static let config = GarageSimulator.Configuration(
        seed: 3, facilities: 1, levelsPerFacility: 2, zonesPerLevel: 2, spotsPerZone: 10, hours: 24, heartbeatSeconds: 600,
        flappingShare: 0.1, deadShare: 0.1, duplicateShare: 0.05, lateShare: 0.02)
    static let end = config.start.adding(seconds: Int64(config.hours) * 3_600)

    /// Spot readings in sensor-time order, each id once, as a deduplicating fold would see them.
    static func readingsBySensorTime(_ events: [EventEnvelope]) throws -> [(time: Timestamp, reading: SpotReading)] {
        var seen = Set<String>()
        var out: [(time: Timestamp, reading: SpotReading)] = []
        for e in events where e.type == SpotReading.eventType && seen.insert(e.id).inserted {
            out.append((e.eventTime, try e.decode(SpotReading.self)))
        }
        // Stable: equal sensor times keep delivery order.
        return out.enumerated().sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }.map(\.element)
    }

    @Test func sameSeedSameEventsOtherSeedOthers() {
        var config = Self.config
        config.hours = 8
        let a = GarageSimulator(config).events()
        let b = GarageSimulator(config).events()
        #expect(!a.isEmpty)
        #expect(a.map(\.id) == b.map(\.id))
        #expect(a.map(\.payload) == b.map(\.payload))
        #expect(a.map(\.eventTime) == b.map(\.eventTime))
        var other = config
        other.seed = 4
        let c = GarageSimulator(other).events()
        #expect(a.map(\.payload) != c.map(\.payload))
        #expect(Set(a.map(\.id)).isDisjoint(with: c.map(\.id)))
    }

    @Test func everyEventRoutesAndEachFacilityStartsWithItsLayout() throws {
        var config = Self.config
        config.facilities = 3
        config.countBasedFacilities = 1
        config.spotsPerZone = 3
        config.heartbeatSeconds = 300  // the allowance is the usual 900 s, not 3 heartbeats
        config.hours = 6
        let end = config.start.adding(seconds: 6 * 3_600)
        let events = GarageSimulator(config).events()
        let router = RawEventRouter()
        var firstType: [String: String] = [:]
        for e in events {
            let routed = try router.route(e)
            #expect(routed.topic == TopicNames.standard[.parkingSensors])
            #expect(e.source == "simulator")
            #expect(e.eventTime >= config.start && e.eventTime < end)
            if firstType[routed.envelope.key] == nil { firstType[routed.envelope.key] = e.type }
        }
        #expect(firstType == ["garage-1": FacilityLayout.eventType, "garage-2": FacilityLayout.eventType, "garage-3": FacilityLayout.eventType])
        let layouts = try events.filter { $0.type == FacilityLayout.eventType }.map { try $0.decode(FacilityLayout.self) }
        #expect(layouts.count == 3)
        #expect(layouts[0].areas.map { "\($0.level)/\($0.zone)/\($0.capacity)" } == ["L1/A/3", "L1/B/3", "L2/A/3", "L2/B/3"])
        #expect(layouts[0].settings == FacilitySettings(debounceSeconds: 30, heartbeatAllowanceSeconds: 900, alertUpPercent: 90, alertDownPercent: 80))
        #expect(layouts[0].timeZone == "Europe/London")
    }

    @Test func faultsArePresentAtTheConfiguredShares() throws {
        let run = GarageSimulator(Self.config).run()
        let events = run.events
        let truth = try #require(run.facilities.first)
        let sensors = 40
        let allowance = Int64(try events[0].decode(FacilityLayout.self).settings.heartbeatAllowanceSeconds)

        // Re-sent readings: the same envelope twice.
        var byID: [String: [EventEnvelope]] = [:]
        for e in events { byID[e.id, default: []].append(e) }
        let repeated = byID.values.filter { $0.count > 1 }
        #expect(repeated.allSatisfy { $0.count == 2 && $0[0] == $0[1] && $0[0].type == SpotReading.eventType })
        let readings = Set(events.filter { $0.type == SpotReading.eventType }.map(\.id)).count
        #expect(repeated.count == Int((0.05 * Double(readings)).rounded()))
        #expect(repeated.count == truth.duplicatedReadings)

        // Late: delivered after an event of the facility more than a minute newer (re-sends come within 30 s).
        var newest = Timestamp(microseconds: .min)
        var late = 0
        for e in events {
            if e.type == SpotReading.eventType, e.eventTime.adding(seconds: 60) < newest { late += 1 }
            newest = max(newest, e.eventTime)
        }
        #expect(late == Int((0.02 * Double(readings)).rounded()))
        #expect(late == truth.lateReadings)

        // Flapping: a change taken back within the 30 s debounce.
        var flapping = Set<String>()
        var perSpot: [String: [(time: Timestamp, occupied: Bool)]] = [:]
        for (time, r) in try Self.readingsBySensorTime(events) { perSpot[r.spotID, default: []].append((time, r.occupied)) }
        for (spot, rs) in perSpot where rs.count >= 3 {
            for k in 1..<(rs.count - 1)
            where rs[k].occupied != rs[k - 1].occupied && rs[k + 1].occupied == rs[k - 1].occupied
                && rs[k + 1].time < rs[k].time.adding(seconds: 30) {
                flapping.insert(spot)
            }
        }
        #expect(flapping.count == Int(0.1 * Double(sensors)))
        #expect(flapping == Set(truth.flappingSensors))

        // Dead: silent for longer than the allowance; recovered: heard again after that.
        var heard: [String: [Timestamp]] = [:]
        for e in events {
            if e.type == SpotReading.eventType { heard[try e.decode(SpotReading.self).spotID, default: []].append(e.eventTime) }
            if e.type == SensorHeartbeat.eventType { heard[try e.decode(SensorHeartbeat.self).sensorID, default: []].append(e.eventTime) }
        }
        #expect(heard.count == sensors)
        var dead = Set<String>(), recovered = Set<String>()
        for (sensor, times) in heard {
            let sorted = times.sorted() + [Self.end]
            for k in 1..<sorted.count where sorted[k] > sorted[k - 1].adding(seconds: allowance) {
                dead.insert(sensor)
                if k < sorted.count - 1 { recovered.insert(sensor) }
            }
        }
        #expect(dead.count == Int(0.1 * Double(sensors)))
        #expect(dead == Set(truth.deadSensors))
        #expect(!recovered.isEmpty && recovered.count < dead.count)
        #expect(recovered == Set(truth.recoveredSensors))
    }

    @Test func occupancyImpliedByTheReadingsNeverExceedsCapacity() throws {
        var config = Self.config
        config.spotsPerZone = 4
        config.flappingShare = 0.25
        let events = GarageSimulator(config).events()
        let layout = try events[0].decode(FacilityLayout.self)
        let capacity = Dictionary(uniqueKeysWithValues: layout.areas.map { ("\($0.level)/\($0.zone)", $0.capacity) })
        // Delivery order, dropping repeats and readings older than the spot's state, as the fold must.
        var seen = Set<String>()
        var spots: [String: (time: Timestamp, occupied: Bool, area: String)] = [:]
        var occupied: [String: Int] = [:]
        var peak = 0
        for e in events where e.type == SpotReading.eventType && seen.insert(e.id).inserted {
            let r = try e.decode(SpotReading.self)
            let area = "\(r.level)/\(r.zone)"
            #expect(capacity[area] != nil, "\(area) is not in the layout")
            let before = spots[r.spotID]
            #expect(before == nil || before?.area == area)
            if let before, before.time > e.eventTime { continue }
            occupied[area, default: 0] += (r.occupied ? 1 : 0) - (before?.occupied == true ? 1 : 0)
            spots[r.spotID] = (e.eventTime, r.occupied, area)
            #expect(occupied[area]! <= capacity[area]!)
            peak = max(peak, occupied[area]!)
        }
        #expect(spots.count == 16)
        #expect(peak == 4)
    }

    /// Occupied share of capacity every 5 minutes, from readings in sensor time.
    static func curve(_ events: [EventEnvelope], capacity: Int) throws -> [(time: Timestamp, share: Double)] {
        var state: [String: Bool] = [:]
        var out: [(time: Timestamp, share: Double)] = []
        var sample = events[0].eventTime
        for (time, r) in try readingsBySensorTime(events) {
            while sample < time {
                out.append((sample, Double(state.values.filter { $0 }.count) / Double(capacity)))
                sample = sample.adding(seconds: 300)
            }
            state[r.spotID] = r.occupied
        }
        return out
    }

    @Test func weekdayMiddayIsFullNightsAndSaturdaysAreNot() throws {
        var config = Self.config
        config.flappingShare = 0; config.deadShare = 0; config.duplicateShare = 0; config.lateShare = 0
        config.heartbeatSeconds = 3_600  // the curve needs readings only
        let monday = GarageSimulator(config).run()
        let curve = try Self.curve(monday.events, capacity: 40)
        // Local time is BST (UTC+1) in May.
        func share(localHour: Int) -> Double {
            curve.filter { $0.time.hourOfWeek(offsetSeconds: 3_600).hour == localHour }.map(\.share).max() ?? -1
        }
        // Full enough for the 90 % alert through the middle of the day, not just at a peak.
        let midday = curve.filter { (11..<14).contains($0.time.hourOfWeek(offsetSeconds: 3_600).hour) }.map(\.share)
        #expect(midday.count == 36)
        #expect(midday.reduce(0, +) / Double(midday.count) >= 0.9)
        #expect(share(localHour: 4) < 0.2)
        #expect(share(localHour: 23) < 0.4)
        // Without faults the readings tell the whole truth.
        let truth = monday.facilities[0]
        let last = try Self.readingsBySensorTime(monday.events).reduce(into: [String: Bool]()) { $0[$1.reading.spotID] = $1.reading.occupied }
        #expect(last.values.filter { $0 }.count == truth.parkedAtEnd)
        #expect(Double(truth.peakParked) >= 0.9 * 40)
        #expect(!truth.staySeconds.isEmpty && truth.staySeconds.allSatisfy { $0 >= 300 && $0 <= 12 * 3_600 })
        #expect(truth.staySeconds.contains { $0 < 3_600 } && truth.staySeconds.contains { $0 > 4 * 3_600 })

        config.start = Timestamp(iso8601: "2024-05-25T00:00:00Z")!
        let saturday = try Self.curve(GarageSimulator(config).events(), capacity: 40)
        #expect(saturday.map(\.share).max()! < curve.map(\.share).max()!)
        #expect(saturday.filter { $0.time.hourOfWeek(offsetSeconds: 3_600).hour == 9 }.map(\.share).max()! < share(localHour: 9))
    }

    @Test func countBasedFacilitiesReportGatesAndTotalsThatAgree() throws {
        var config = Self.config
        config.facilities = 2
        config.countBasedFacilities = 1
        config.heartbeatSeconds = 3_600
        let run = GarageSimulator(config).run()
        let events = run.events.filter { $0.key == "garage-2" }
        #expect(run.events.contains { $0.key == "garage-1" && $0.type == SpotReading.eventType })
        #expect(!run.events.contains { $0.key == "garage-1" && ($0.type == GatePassed.eventType || $0.type == OccupancyCounted.eventType) })
        #expect(!events.contains { $0.type == SpotReading.eventType })
        let layout = try events[0].decode(FacilityLayout.self)
        #expect(layout.areas == [FacilityLayout.Area(capacity: 40)])

        var seen = Set<String>()
        var gates: [(time: Timestamp, delta: Int)] = []
        var counts: [(time: Timestamp, occupied: Int)] = []
        for e in events where seen.insert(e.id).inserted {
            if e.type == GatePassed.eventType {
                let g = try e.decode(GatePassed.self)
                gates.append((e.eventTime, g.direction == .entry ? g.vehicles : -g.vehicles))
            } else if e.type == OccupancyCounted.eventType {
                let c = try e.decode(OccupancyCounted.self)
                #expect(c.capacity == 40)
                counts.append((e.eventTime, c.occupied))
            }
        }
        // A total every 15 minutes, each the first plus the passages before it.
        #expect(counts.count == 96)
        #expect(zip(counts, counts.dropFirst()).allSatisfy { $1.time == $0.time.adding(seconds: 900) })
        for c in counts {
            #expect(c.occupied == counts[0].occupied + gates.filter { $0.time < c.time }.map(\.delta).reduce(0, +))
            #expect((0...40).contains(c.occupied))
        }
        #expect(counts.map(\.occupied).max()! >= 36)
        #expect(counts[0].occupied + gates.map(\.delta).reduce(0, +) == run.facilities[1].parkedAtEnd)
        #expect(run.facilities[1].countBased && run.facilities[1].duplicatedReadings > 0)
    }
}
