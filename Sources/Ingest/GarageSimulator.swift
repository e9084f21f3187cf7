import Events
import Foundation

/// Deterministic parking garages: bay sensors over levels and zones, drivers arriving by a daily curve (quiet
/// nights, a morning ramp, a midday plateau at 90 % or more on weekdays, an evening decline; weekends differ)
/// and staying minutes to hours, heartbeats from sensors with nothing to report, and the faults real sensor
/// feeds have: flapping sensors, dead sensors (half of them come back), readings sent twice and readings
/// delivered late. Count-based facilities report gate passages and a total every 15 minutes instead.
///
/// Event time is the sensor's own time; the order of `Run.events` is delivery order (when the gateway handed
/// an event on), so a late reading comes after newer ones and a re-sent one appears twice with the same id.
/// The same seed gives the same events, in the same order.
public struct GarageSimulator: Sendable {
    public struct Configuration: Sendable {
        public var seed: UInt64
        public var facilities: Int
        public var levelsPerFacility: Int
        /// Zones per level, named A, B, … (at most 26).
        public var zonesPerLevel: Int
        public var spotsPerZone: Int
        /// First simulated instant (UTC). The daily curve follows the facilities' local clock (Europe/London).
        public var start: Timestamp
        public var hours: Int
        /// A sensor with nothing to report sends a heartbeat this often (±10 %).
        public var heartbeatSeconds: Int
        /// Share of bay sensors that now and then report a false change and take it back within seconds.
        public var flappingShare: Double
        /// Share of bay sensors that fall silent at some point; every other one of them comes back later.
        public var deadShare: Double
        /// Share of readings (spot readings, gate passages) a gateway sends a second time, same id.
        public var duplicateShare: Double
        /// Share of readings the gateway holds back and delivers minutes later, after newer ones.
        public var lateShare: Double
        /// How many facilities, counted from the last, count vehicles at their gates instead of sensing spots.
        public var countBasedFacilities: Int

        public init(seed: UInt64 = 1, facilities: Int = 1, levelsPerFacility: Int = 2, zonesPerLevel: Int = 2,
                    spotsPerZone: Int = 20, start: Timestamp = Timestamp(iso8601: "2024-05-20T00:00:00Z")!,
                    hours: Int = 24, heartbeatSeconds: Int = 300, flappingShare: Double = 0.05, deadShare: Double = 0.05,
                    duplicateShare: Double = 0.02, lateShare: Double = 0.01, countBasedFacilities: Int = 0) {
            self.seed = seed
            self.facilities = Swift.max(1, facilities)
            self.levelsPerFacility = Swift.max(1, levelsPerFacility)
            self.zonesPerLevel = Swift.min(Swift.max(1, zonesPerLevel), 26)
            self.spotsPerZone = Swift.max(1, spotsPerZone)
            self.start = start
            self.hours = Swift.max(1, hours)
            // Up to 8 h, so the allowance (3 intervals) stays within a day.
            self.heartbeatSeconds = Swift.min(Swift.max(10, heartbeatSeconds), 28_800)
            self.flappingShare = Swift.min(Swift.max(0, flappingShare), 1)
            self.deadShare = Swift.min(Swift.max(0, deadShare), 1)
            self.duplicateShare = Swift.min(Swift.max(0, duplicateShare), 1)
            self.lateShare = Swift.min(Swift.max(0, lateShare), 1)
            self.countBasedFacilities = Swift.min(Swift.max(0, countBasedFacilities), self.facilities)
        }
    }

    /// What really happened in a facility, for tests of the folds downstream: the events only show what the
    /// sensors said.
    public struct FacilityTruth: Sendable, Equatable {
        public var facilityID: String
        public var countBased: Bool
        public var capacity: Int
        /// Vehicles parked at the end of the simulated period (a departure at the very end is not seen).
        public var parkedAtEnd: Int
        /// Most vehicles parked at a minute boundary.
        public var peakParked: Int
        /// Drivers who found no free spot.
        public var turnedAway: Int
        /// Durations of the stays that began and ended within the period.
        public var staySeconds: [Int64]
        public var flappingSensors: [String]
        public var deadSensors: [String]
        /// The dead sensors that report again before the end.
        public var recoveredSensors: [String]
        public var duplicatedReadings: Int
        public var lateReadings: Int
    }

    public struct Run: Sendable {
        /// Every facility's events, in delivery order.
        public var events: [EventEnvelope]
        public var facilities: [FacilityTruth]
    }

    public static let timeZone = "Europe/London"
    public static let settings = FacilitySettings(debounceSeconds: 30, heartbeatAllowanceSeconds: 900, alertUpPercent: 90, alertDownPercent: 80)

    public let configuration: Configuration

    public init(_ configuration: Configuration) { self.configuration = configuration }

    public func events() -> [EventEnvelope] { run().events }

    public func run() -> Run {
        let ingestTime = Timestamp.now()
        var records: [Record] = []
        var truths: [FacilityTruth] = []
        for f in 0..<configuration.facilities {
            var facility = Facility(configuration, index: f, ingestTime: ingestTime)
            facility.simulate()
            records += facility.records
            truths.append(facility.truth)
        }
        // Sorting positions, not records: moving envelopes about costs more than comparing.
        let delivered = records.indices.sorted {
            (records[$0].delivery, records[$0].facility, records[$0].order) < (records[$1].delivery, records[$1].facility, records[$1].order)
        }
        return Run(events: delivered.map { records[$0].event }, facilities: truths)
    }

    /// Share of capacity drivers want at each local hour 0…24, interpolated between hours: weekdays fill with
    /// commuters and stay full through midday, Saturdays peak lower and later, Sundays lower still.
    static let weekdayDemand = [0.06, 0.05, 0.05, 0.05, 0.05, 0.06, 0.12, 0.32, 0.62, 0.85, 0.96, 0.99, 1.00,
                                1.00, 0.99, 0.95, 0.85, 0.65, 0.45, 0.34, 0.27, 0.20, 0.13, 0.08, 0.06]
    static let saturdayDemand = [0.08, 0.07, 0.06, 0.05, 0.05, 0.05, 0.06, 0.08, 0.15, 0.30, 0.50, 0.66, 0.76,
                                 0.80, 0.80, 0.77, 0.70, 0.58, 0.46, 0.38, 0.32, 0.26, 0.19, 0.12, 0.08]
    static let sundayDemand = [0.08, 0.07, 0.06, 0.05, 0.05, 0.05, 0.05, 0.06, 0.09, 0.18, 0.32, 0.45, 0.54,
                               0.58, 0.58, 0.55, 0.48, 0.38, 0.28, 0.21, 0.16, 0.12, 0.09, 0.08, 0.08]

    static func demand(weekday: Int, hour: Double) -> Double {
        let knots = weekday < 5 ? weekdayDemand : (weekday == 5 ? saturdayDemand : sundayDemand)
        let h = Swift.min(Swift.max(0, hour), 23.999)
        let i = Int(h)
        return knots[i] + (knots[i + 1] - knots[i]) * (h - Double(i))
    }

    /// An event and when it is delivered (µs); `order` keeps creation order among equal delivery times, so a
    /// facility's layout, created first, is also delivered first.
    struct Record: Sendable {
        var delivery: Int64
        var facility: Int
        var order: Int
        /// Spot readings and gate passages: the events a gateway re-sends or holds back.
        var isReading: Bool
        var event: EventEnvelope
    }

    struct Change: Sendable {
        var time: Int64
        var occupied: Bool
    }

    /// The true state of every slot (a spot, or one vehicle place of a count-based facility) over the period.
    struct Occupancy: Sendable {
        var initial: [Bool]
        /// Per slot, in time order.
        var changes: [[Change]]

        func occupied(_ slot: Int, at t: Int64) -> Bool {
            var state = initial[slot]
            for c in changes[slot] {
                guard c.time <= t else { break }
                state = c.occupied
            }
            return state
        }
    }

    /// One facility's simulation, with its own random stream so adding a facility changes no other.
    struct Facility {
        let c: Configuration
        let index: Int
        let id: String
        let countBased: Bool
        let ingestTime: Timestamp
        let start: Int64
        let end: Int64
        let allowance: Int64
        let zone: TimeZone?
        var rng: SplitMix64
        var records: [Record] = []
        var truth: FacilityTruth
        var dayFactor: [Int64: Double] = [:]
        var offsets: [Int64: Int] = [:]
        /// Ids derive from the seed, the facility and a sequence number: stable for a seed, distinct across seeds.
        let idPrefix: String
        var seq = 0

        init(_ c: Configuration, index: Int, ingestTime: Timestamp) {
            self.c = c
            self.index = index
            id = "garage-\(index + 1)"
            idPrefix = "garage-simulator/\(c.seed)"
            countBased = index >= c.facilities - c.countBasedFacilities
            self.ingestTime = ingestTime
            start = c.start.seconds
            end = start + Int64(c.hours) * 3_600
            // Three missed heartbeats make a sensor offline, but never sooner than the usual 15 minutes.
            allowance = Swift.max(Int64(GarageSimulator.settings.heartbeatAllowanceSeconds), 3 * Int64(c.heartbeatSeconds))
            zone = TimeZone(identifier: GarageSimulator.timeZone)
            rng = SplitMix64(seed: c.seed ^ (UInt64(index + 1) &* 0x9E37_79B9_7F4A_7C15))
            truth = FacilityTruth(
                facilityID: id, countBased: countBased, capacity: c.levelsPerFacility * c.zonesPerLevel * c.spotsPerZone,
                parkedAtEnd: 0, peakParked: 0, turnedAway: 0, staySeconds: [], flappingSensors: [], deadSensors: [],
                recoveredSensors: [], duplicatedReadings: 0, lateReadings: 0)
        }

        mutating func simulate() {
            var settings = GarageSimulator.settings
            settings.heartbeatAllowanceSeconds = Int(allowance)
            let areas: [FacilityLayout.Area]
            if countBased {
                // Gates at the entrance cannot tell levels or zones apart: one undivided area.
                areas = [FacilityLayout.Area(capacity: truth.capacity)]
            } else {
                areas = (0..<c.levelsPerFacility).flatMap { l in
                    (0..<c.zonesPerLevel).map { z in FacilityLayout.Area(level: level(l), zone: zoneName(z), capacity: c.spotsPerZone) }
                }
            }
            add(FacilityLayout(facilityID: id, name: "Garage \(index + 1)", timeZone: GarageSimulator.timeZone, areas: areas, settings: settings),
                at: start)
            let occupancy = simulateOccupancy(slots: truth.capacity, preferLowLevels: !countBased)
            if countBased { emitGates(occupancy) } else { emitSensors(occupancy) }
            disturbDelivery()
        }

        // MARK: Drivers

        func level(_ l: Int) -> String { "L\(l + 1)" }
        func zoneName(_ z: Int) -> String { String(UnicodeScalar(UInt8(65 + z))) }

        /// Local weekday (0 = Monday), hour and day number.
        mutating func localClock(_ t: Int64) -> (weekday: Int, hour: Double, day: Int64) {
            // Offsets change on the hour, and Foundation's time zones are slow (and locked) on Linux: one look-up an hour.
            let hourStart = Timestamp.floorDivision(t, 3_600) * 3_600
            let offset = offsets[hourStart] ?? zone?.secondsFromGMT(for: Date(timeIntervalSince1970: Double(hourStart))) ?? 0
            offsets[hourStart] = offset
            let local = t + Int64(offset)
            let day = Timestamp.floorDivision(local, 86_400)
            return (Timestamp(seconds: t).hourOfWeek(offsetSeconds: offset).dayOfWeek, Double(local - day * 86_400) / 3_600, day)
        }

        /// Share of capacity wanted at `t`: the curve times the day's own busyness.
        mutating func demand(at t: Int64) -> Double {
            let (weekday, hour, day) = localClock(t)
            if dayFactor[day] == nil {
                // Weekdays vary little (the plateau stays at or above 90 %); weekends a lot.
                dayFactor[day] = weekday < 5 ? 0.97 + 0.08 * rng.unit() : 0.85 + 0.3 * rng.unit()
            }
            return GarageSimulator.demand(weekday: weekday, hour: hour) * dayFactor[day]!
        }

        /// Skewed: most stays last an hour or two, a few most of a day; weekday-morning arrivals are often
        /// commuters staying a working day.
        mutating func stay(arrivingAt t: Int64) -> Int64 {
            let (weekday, hour, _) = localClock(t)
            if weekday < 5, hour >= 6.5, hour < 9.5, rng.unit() < 0.55 {
                return Int64((7.5 + 2 * rng.unit()) * 3_600)
            }
            let minutes = exp(log(70.0) + 0.85 * normal())
            return Int64(Swift.min(Swift.max(minutes, 5), 12 * 60) * 60)
        }

        mutating func normal() -> Double {
            // Box–Muller; 1 - unit() is in (0, 1], so the log is finite.
            sqrt(-2 * log(1 - rng.unit())) * cos(2 * .pi * rng.unit())
        }

        mutating func poisson(_ mean: Double) -> Int {
            guard mean > 0 else { return 0 }
            if mean > 50 { return Swift.max(0, Int((mean + mean.squareRoot() * normal()).rounded())) }
            let limit = exp(-mean)
            var k = 0
            var p = rng.unit()
            while p > limit {
                k += 1
                p *= rng.unit()
            }
            return k
        }

        mutating func below(_ n: Int) -> Int { Int(rng.next() % UInt64(n)) }

        /// 0..<n in a random order (our own Fisher–Yates: the standard library's shuffle may change between releases).
        mutating func shuffled(_ n: Int) -> [Int] {
            var a = Array(0..<n)
            for i in stride(from: n - 1, to: 0, by: -1) { a.swapAt(i, below(i + 1)) }
            return a
        }

        /// Minute by minute: arrivals are Poisson, at a rate that replaces the cars leaving and closes a
        /// quarter of an hour's worth of the gap to the curve; each car takes a free spot (low levels first,
        /// as drivers take the first free spot they see) or drives off when there is none.
        mutating func simulateOccupancy(slots n: Int, preferLowLevels: Bool) -> Occupancy {
            let perLevel = c.zonesPerLevel * c.spotsPerZone
            // When each slot's car leaves; in the past for a free slot.
            var leaves = [Int64](repeating: start - 86_400, count: n)
            var occupancy = Occupancy(initial: Array(repeating: false, count: n), changes: Array(repeating: [], count: n))
            // Cars parked overnight, leaving over the next hours.
            let already = Swift.min(n, Int((demand(at: start) * Double(n)).rounded()))
            for slot in shuffled(n).prefix(already) {
                occupancy.initial[slot] = true
                leaves[slot] = start + 600 + Int64(rng.unit() * 8 * 3_600)
                if leaves[slot] < end { occupancy.changes[slot].append(Change(time: leaves[slot], occupied: false)) }
            }
            var t0 = start
            while t0 < end {
                let target = demand(at: t0) * Double(n)
                var parked = 0, leaving = 0
                for l in leaves where l > t0 {
                    parked += 1
                    if l < t0 + 60 { leaving += 1 }
                }
                truth.peakParked = Swift.max(truth.peakParked, parked)
                // Above the curve (evenings) a trickle still arrives: a twentieth of the rate that would hold the
                // curve with one-hour stays, so the garage does not creep above the curve at midday, when
                // commuters hardly leave.
                let mean = Swift.max(target / 1_200, Double(leaving) + (target - Double(parked)) / 15)
                let arrivals = (0..<poisson(mean)).map { _ in t0 + Int64(below(60)) }.sorted()
                for a in arrivals {
                    // A spot a car has just left is still being vacated for a minute (and a quick re-park
                    // would look like flapping).
                    let free = (0..<n).filter { leaves[$0] + 60 <= a }
                    guard !free.isEmpty else {
                        truth.turnedAway += 1
                        continue
                    }
                    var choice = free[below(free.count)]
                    if preferLowLevels, rng.unit() < 0.7 {
                        let lowest = free.prefix { $0 / perLevel == free[0] / perLevel }
                        choice = lowest[below(lowest.count)]
                    }
                    let stay = stay(arrivingAt: a)
                    leaves[choice] = a + stay
                    occupancy.changes[choice].append(Change(time: a, occupied: true))
                    if a + stay < end {
                        occupancy.changes[choice].append(Change(time: a + stay, occupied: false))
                        truth.staySeconds.append(stay)
                    }
                }
                t0 += 60
            }
            truth.parkedAtEnd = leaves.filter { $0 >= end }.count
            return occupancy
        }

        // MARK: Events

        @discardableResult
        mutating func add<P: EventPayload>(_ payload: P, at t: Int64, reading: Bool = false) -> Int {
            seq += 1
            let e = EventEnvelope(
                payload, id: EventID.derived(idPrefix, id, String(seq)), source: "simulator",
                eventTime: Timestamp(seconds: t), ingestTime: ingestTime)
            records.append(Record(delivery: t * 1_000_000, facility: index, order: seq, isReading: reading, event: e))
            return records.count - 1
        }

        /// A due heartbeat: the interval ±10 %, so sensors drift apart.
        mutating func heartbeat(after t: Int64) -> Int64 {
            let interval = Double(c.heartbeatSeconds)
            return t + Int64((interval * (0.9 + 0.2 * rng.unit())).rounded())
        }

        mutating func emitSensors(_ occupancy: Occupancy) {
            let n = truth.capacity
            let order = shuffled(n)
            let flapCount = Int((c.flappingShare * Double(n)).rounded())
            let deadCount = Swift.min(n - flapCount, Int((c.deadShare * Double(n)).rounded()))
            let flapping = Set(order.prefix(flapCount))
            let dead = Array(order.dropFirst(flapCount).prefix(deadCount))
            let span = end - start
            for slot in 0..<n {
                let l = slot / (c.zonesPerLevel * c.spotsPerZone), z = slot / c.spotsPerZone % c.zonesPerLevel
                let spot = "\(level(l))-\(zoneName(z))-\(slot % c.spotsPerZone + 1)"
                // Dead sensors are the ones with flat batteries; a recovered one has had its battery changed.
                let deadIndex = dead.firstIndex(of: slot)
                let battery = deadIndex == nil ? 55 + 45 * rng.unit() : 3 + 9 * rng.unit()
                var diesAt = Int64.max, recoversAt = Int64.max
                if let deadIndex {
                    diesAt = start + span / 10 + Int64(rng.unit() * Double(span * 6 / 10))
                    // Silent well past the allowance, so the sensor really goes offline before it is back.
                    let back = diesAt + 2 * allowance + Int64(rng.unit() * 7_200)
                    if deadIndex % 2 == 0, back < end - 600 { recoversAt = back }
                    truth.deadSensors.append(spot)
                    if recoversAt != .max { truth.recoveredSensors.append(spot) }
                }
                func alive(_ t: Int64) -> Bool { t < diesAt || t >= recoversAt }
                func batteryPercent(_ t: Int64) -> Int {
                    let days = Double(t - start) / 86_400
                    return Swift.max(1, Int(((t >= recoversAt ? 100 : battery) - 0.5 * days).rounded()))
                }

                // The gateway's start-up report gives every spot's state; then sensors report changes.
                let first = start + 1 + Int64(below(30))
                var sends = [Change(time: first, occupied: occupancy.occupied(slot, at: first))]
                sends += occupancy.changes[slot].filter { $0.time > first && $0.time != recoversAt && alive($0.time) }
                if recoversAt != .max { sends.append(Change(time: recoversAt, occupied: occupancy.occupied(slot, at: recoversAt))) }
                if flapping.contains(slot) {
                    // About one false change every two hours, taken back within a few seconds (under the
                    // debounce) and well clear of real changes, so the flap is the only thing happening.
                    let wanted = 1 + poisson(Double(span) / 7_200)
                    var placed = 0, tries = 0
                    while placed < wanted, tries < 20 * wanted {
                        tries += 1
                        let t = start + 120 + Int64(rng.unit() * Double(span - 240))
                        guard alive(t - 60), alive(t + 60), !(t - 60...t + 60).contains(diesAt),
                            !(t - 60...t + 60).contains(recoversAt), sends.allSatisfy({ abs($0.time - t) > 60 })
                        else { continue }
                        let state = occupancy.occupied(slot, at: t)
                        sends.append(Change(time: t, occupied: !state))
                        sends.append(Change(time: t + 2 + Int64(below(7)), occupied: state))
                        placed += 1
                    }
                    if placed > 0 { truth.flappingSensors.append(spot) }
                }
                sends.sort { $0.time < $1.time }

                // Readings as they come, and a heartbeat whenever a sensor has been quiet for an interval.
                let levelName = level(l), zone = zoneName(z)
                var last = Int64.min
                var next = 0
                while true {
                    if last != .min {
                        let due = heartbeat(after: last)
                        if due < end, due < (next < sends.count ? sends[next].time : .max), alive(due) {
                            add(SensorHeartbeat(facilityID: id, sensorID: spot, batteryPercent: batteryPercent(due)), at: due)
                            last = due
                            continue
                        }
                    }
                    guard next < sends.count else { break }
                    let s = sends[next]
                    add(SpotReading(facilityID: id, level: levelName, zone: zone, spotID: spot, occupied: s.occupied,
                                    batteryPercent: batteryPercent(s.time)),
                        at: s.time, reading: true)
                    last = s.time
                    next += 1
                }
            }
        }

        mutating func emitGates(_ occupancy: Occupancy) {
            var passages = occupancy.changes.flatMap { $0 }
            passages.sort { $0.time < $1.time }
            // Totals at each quarter hour, counting the passages before it; made before the passages so that at
            // equal times they are delivered first, as counted.
            var count = occupancy.initial.filter { $0 }.count
            var q = Timestamp.floorDivision(start + 899, 900) * 900
            var i = 0
            while q < end {
                while i < passages.count, passages[i].time < q {
                    count += passages[i].occupied ? 1 : -1
                    i += 1
                }
                add(OccupancyCounted(facilityID: id, occupied: count, capacity: truth.capacity), at: q)
                q += 900
            }
            let gates = ["gate-1", "gate-2"]
            var times: [[Int64]] = [[], []]
            for p in passages {
                let g = below(2)
                add(GatePassed(facilityID: id, gateID: gates[g], direction: p.occupied ? .entry : .exit), at: p.time, reading: true)
                times[g].append(p.time)
            }
            // Gate counters send heartbeats too, or a quiet night would make them look dead.
            for g in gates.indices {
                var last = start + 1 + Int64(below(30))
                add(SensorHeartbeat(facilityID: id, sensorID: gates[g]), at: last)
                var next = 0
                while true {
                    while next < times[g].count, times[g][next] <= last { next += 1 }
                    let due = heartbeat(after: last)
                    if next < times[g].count, times[g][next] <= due {
                        last = times[g][next]
                        continue
                    }
                    guard due < end else { break }
                    add(SensorHeartbeat(facilityID: id, sensorID: gates[g]), at: due)
                    last = due
                }
            }
        }

        /// Gateways re-send some readings (same envelope, seconds later) and hold back others for minutes, so
        /// they arrive after newer ones. Exactly the configured shares, so tests can count them.
        mutating func disturbDelivery() {
            let readings = records.indices.filter { records[$0].isReading }
            let picked = shuffled(readings.count)
            let duplicates = Int((c.duplicateShare * Double(readings.count)).rounded())
            let late = Swift.min(readings.count - duplicates, Int((c.lateShare * Double(readings.count)).rounded()))
            for k in picked.prefix(duplicates) {
                seq += 1
                var copy = records[readings[k]]
                copy.delivery += Int64(1 + below(30)) * 1_000_000
                copy.order = seq
                records.append(copy)
            }
            for k in picked.dropFirst(duplicates).prefix(late) {
                records[readings[k]].delivery += Int64(180 + below(1_020)) * 1_000_000
            }
            truth.duplicatedReadings = duplicates
            truth.lateReadings = late
        }
    }
}
