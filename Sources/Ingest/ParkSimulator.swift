import Events
import Foundation

/// Deterministic, realistic theme-park days: opening hours (longer at weekends), a daily crowd curve that
/// peaks mid-afternoon, busier weekends and random busy days, per-ride popularity, breakdowns, noise, and
/// waits posted in 5-minute steps as real parks do. The same seed gives the same events, in the same order.
public struct ParkSimulator: Sendable, Sequence {
    public struct Configuration: Sendable {
        public var seed: UInt64
        public var parks: Int
        public var attractionsPerPark: Int
        /// First simulated day (UTC midnight of a Monday by default).
        public var start: Timestamp
        /// Seconds between two readings of a ride.
        public var stepSeconds: Int64

        public init(seed: UInt64 = 1, parks: Int = 2, attractionsPerPark: Int = 25,
                    start: Timestamp = Timestamp(iso8601: "2024-05-20T00:00:00Z")!, stepSeconds: Int64 = 300) {
            self.seed = seed
            self.parks = Swift.max(1, parks)
            self.attractionsPerPark = Swift.max(1, attractionsPerPark)
            self.start = start
            self.stepSeconds = Swift.max(1, stepSeconds)
        }
    }

    struct Ride: Sendable {
        var id: String
        var name: String
        var peakWait: Double
    }

    struct Park: Sendable {
        var id: String
        var timeZone: String
        var rides: [Ride]
    }

    public let configuration: Configuration
    let parks: [Park]
    static let zones = ["Europe/Paris", "America/Los_Angeles", "America/New_York", "Asia/Tokyo"]
    static let rideNames = ["Coaster", "Flume", "Carousel", "Dark Ride", "Drop Tower", "Teacups", "Railroad",
                            "Mine Train", "Spinner", "Log Ride", "Safari", "Simulator"]

    public init(_ configuration: Configuration) {
        self.configuration = configuration
        var rng = SplitMix64(seed: configuration.seed)
        parks = (0..<configuration.parks).map { p in
            Park(
                id: "sim-\(p + 1)", timeZone: Self.zones[p % Self.zones.count],
                rides: (0..<configuration.attractionsPerPark).map { r in
                    // Popularity is skewed: a few headliners, many family rides.
                    let popularity = 0.15 + 0.85 * pow(rng.unit(), 2)
                    return Ride(id: "ride-\(r + 1)", name: "\(Self.rideNames[r % Self.rideNames.count]) \(r + 1)",
                                peakWait: 10 + 110 * popularity)
                })
        }
    }

    public func makeIterator() -> Iterator { Iterator(simulator: self) }

    /// Exactly `count` events.
    public func events(count: Int) -> [EventEnvelope] { Array(prefix(count)) }

    public struct Iterator: IteratorProtocol {
        let simulator: ParkSimulator
        var rng: SplitMix64
        var index: Int64 = 0
        var time: Timestamp
        var pending: [EventEnvelope] = []
        var pendingIndex = 0
        /// Per park and ride: sim time until which the ride is broken down.
        var downUntil: [[Int64]]
        var wasOpen: [[Bool]]
        var dayFactor: [Int64: Double] = [:]
        var scheduledDays: Set<String> = []

        init(simulator: ParkSimulator) {
            self.simulator = simulator
            rng = SplitMix64(seed: simulator.configuration.seed ^ 0x5EED)
            time = simulator.configuration.start
            downUntil = simulator.parks.map { Array(repeating: 0, count: $0.rides.count) }
            wasOpen = simulator.parks.map { Array(repeating: false, count: $0.rides.count) }
        }

        public mutating func next() -> EventEnvelope? {
            while pendingIndex >= pending.count {
                pending.removeAll(keepingCapacity: true)
                pendingIndex = 0
                step()
                time = time.adding(seconds: simulator.configuration.stepSeconds)
            }
            defer { pendingIndex += 1 }
            return pending[pendingIndex]
        }

        mutating func nextID() -> String {
            index += 1
            return EventID.derived("simulator", String(simulator.configuration.seed), String(index))
        }

        /// Local hours of the park on the local date of `time`.
        static func hours(weekday: Int) -> (open: Double, close: Double) {
            weekday >= 5 ? (8, 22) : (9, 21)
        }

        mutating func step() {
            let now = Timestamp.now()
            for (p, park) in simulator.parks.enumerated() {
                let offset = TimeZone(identifier: park.timeZone)?.secondsFromGMT(
                    for: Date(timeIntervalSince1970: Double(time.seconds))) ?? 0
                let local = time.seconds + Int64(offset)
                let day = Timestamp.floorDivision(local, 86_400)
                let localHour = Double(local - day * 86_400) / 3600
                let (weekday, _) = time.hourOfWeek(offsetSeconds: offset)
                let (opens, closes) = Self.hours(weekday: weekday)
                let (y, m, d) = Timestamp.civilFromDays(day)
                let date = String(format: "%04d-%02d-%02d", y, m, d)

                if !scheduledDays.contains("\(park.id)/\(date)") {
                    scheduledDays.insert("\(park.id)/\(date)")
                    let midnightUTC = day * 86_400 - Int64(offset)
                    let schedule = ParkScheduleUpdated(
                        parkID: park.id, date: date, opensAt: Timestamp(seconds: midnightUTC + Int64(opens * 3600)),
                        closesAt: Timestamp(seconds: midnightUTC + Int64(closes * 3600)), timeZone: park.timeZone)
                    pending.append(EventEnvelope(schedule, id: nextID(), source: "simulator", eventTime: time, ingestTime: now))
                }

                let open = localHour >= opens && localHour < closes
                let factorKey = Int64(p) << 32 | day
                if dayFactor[factorKey] == nil {
                    dayFactor[factorKey] = (weekday >= 5 ? 1.35 : 1.0) * (0.75 + 0.5 * rng.unit())
                }
                let busy = dayFactor[factorKey]!
                // Crowd curve: ramps from opening, peaks around 14:30, eases towards closing.
                let x = (localHour - 14.5) / 3.2
                let curve = 0.25 + 0.75 * exp(-x * x)
                for (r, ride) in park.rides.enumerated() {
                    if !open {
                        // One CLOSED reading at closing time, then silence until morning.
                        if wasOpen[p][r] {
                            wasOpen[p][r] = false
                            emit(park, ride, nil, .closed, now: now)
                        }
                        continue
                    }
                    wasOpen[p][r] = true
                    if downUntil[p][r] > time.seconds {
                        emit(park, ride, nil, .down, now: now)
                        continue
                    }
                    if rng.unit() < 0.004 {
                        downUntil[p][r] = time.seconds + 900 + Int64(rng.unit() * 2700)
                        emit(park, ride, nil, .down, now: now)
                        continue
                    }
                    let noise = 1 + 0.3 * (rng.unit() - 0.5)
                    let wait = ride.peakWait * curve * busy * noise
                    let posted = Swift.max(5, Int((wait / 5).rounded()) * 5)
                    emit(park, ride, posted, .operating, now: now)
                }
            }
        }

        mutating func emit(_ park: Park, _ ride: Ride, _ wait: Int?, _ status: AttractionStatus, now: Timestamp) {
            let observation = WaitTimeObserved(
                parkID: park.id, attractionID: ride.id, attractionName: ride.name, waitMinutes: wait, status: status,
                timeZone: park.timeZone)
            pending.append(EventEnvelope(observation, id: nextID(), source: "simulator", eventTime: time, ingestTime: now))
        }
    }
}
