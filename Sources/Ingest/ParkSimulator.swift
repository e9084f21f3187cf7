import Events
import Foundation

/// Deterministic theme-park days, made as hard to forecast as real feeds are: the last posted wait must be a
/// strong forecast for the next quarter hour and a poor one two hours ahead, and an hour-of-week profile must
/// be poor at any lead, as park.fan's benchmark found on 157 real parks. The same seed gives the same events,
/// in the same order.
///
/// The process (every park keeps its own local time; this comment is its one description):
/// 1. **Hours.** 9–21 on weekdays, 8–22 at weekends; one `ParkScheduleUpdated` per park and local day.
/// 2. **Day level.** Weekends ×1.35; the season (±20 %, busiest in late July); a day-level crowd factor, log-normal
///    with σ 0.35 (busy and quiet days); and the day's weather (a rainy day keeps 10 % of visitors home).
/// 3. **Weather.** Three days in ten have a rain spell of 1–5 hours (1–6 mm/h); waits fall by a third while it
///    rains. The temperature follows the season, the hour and a day's noise; above 30 °C waits ease by 10 %.
///    With `weather` on, every hour the park's feed reports the hour just begun (observed) and the next three
///    (forecast) as `ParkWeatherHour` events (topic `parks.weather`); one forecast hour in five gets the rain
///    wrong (rain where none falls, or dry where it rains), and later reports revise it.
/// 4. **Crowd curve.** From opening, the crowd ramps up to a broad peak around 14:00, then eases towards closing.
/// 5. **Autocorrelated deviations.** A park-wide deviation (AR(1) in log space, correlation time 90 minutes,
///    standard deviation 0.15) and one per ride (40 minutes, 0.2), drawn afresh each morning: what persistence
///    knows and a profile cannot.
/// 6. **Downtime.** A ride breaks down at 0.3 % per reading, for 15–75 minutes (DOWN readings, no wait); when it
///    reopens its queue rebuilds from 30 % of its level over 45 minutes.
/// 7. **Posting.** Measurement noise (±8 %), then rounded to 5 minutes, at least 5, as parks post waits.
/// 8. **Feed faults** (`feedFaults`, on by default), as the real feeds show them: a frozen value (0.1 % per
///    reading, the feed repeats its last wait with new times for 20–60 minutes); closed rides reporting 0
///    (CLOSED with a 0-minute wait, as Queue-Times gives them, at closing and all day for a ride shut for
///    maintenance, 1 % of rides each day); and zeros re-stamped overnight (every second park's feed posts
///    OPERATING 0 for every ride each hour while the park is closed).
public struct ParkSimulator: Sendable, Sequence {
    public struct Configuration: Sendable {
        public var seed: UInt64
        public var parks: Int
        public var attractionsPerPark: Int
        /// First simulated day (UTC midnight of a Monday by default).
        public var start: Timestamp
        /// Seconds between two readings of a ride.
        public var stepSeconds: Int64
        /// Report each park's hourly weather as `ParkWeatherHour` events (the weather's effect on waits is
        /// simulated either way).
        public var weather: Bool
        /// Simulate the real feeds' faults (frozen values, closed rides posting 0, zeros overnight).
        public var feedFaults: Bool

        public init(seed: UInt64 = 1, parks: Int = 2, attractionsPerPark: Int = 25,
                    start: Timestamp = Timestamp(iso8601: "2024-05-20T00:00:00Z")!, stepSeconds: Int64 = 300,
                    weather: Bool = false, feedFaults: Bool = true) {
            self.seed = seed
            self.parks = Swift.max(1, parks)
            self.attractionsPerPark = Swift.max(1, attractionsPerPark)
            self.start = start
            self.stepSeconds = Swift.max(1, stepSeconds)
            self.weather = weather
            self.feedFaults = feedFaults
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
        /// Its feed re-stamps zeros overnight (feed fault).
        var zerosOvernight: Bool
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
                },
                zerosOvernight: configuration.feedFaults && p % 2 == 1)
        }
    }

    public func makeIterator() -> Iterator { Iterator(simulator: self) }

    /// Exactly `count` events.
    public func events(count: Int) -> [EventEnvelope] { Array(prefix(count)) }

    /// Local opening hours of a day of the week (Monday = 0).
    public static func hours(weekday: Int) -> (open: Double, close: Double) {
        weekday >= 5 ? (8, 22) : (9, 21)
    }

    /// What a park's local day holds, drawn when the day begins.
    struct ParkDay {
        var day: Int64
        /// Everything that scales the day's waits: weekend, season, crowd factor, rainy-day absentees.
        var level: Double
        /// Local hours of the rain spell (empty: a dry day).
        var rain: Range<Double>
        /// mm per hour while it rains.
        var rainRate: Double
        var meanTemperature: Double
        /// Rides shut for the day (maintenance), by index.
        var shut: Set<Int>
    }

    struct RideState {
        var deviation = 0.0
        var downUntil: Int64 = 0
        var reopenedAt: Int64?
        var frozenUntil: Int64 = 0
        var lastPosted: Int?
        var wasOpen = false
    }

    public struct Iterator: IteratorProtocol {
        let simulator: ParkSimulator
        var rng: SplitMix64
        /// The weather reports' own draws (forecast errors): turning the reports on changes no wait.
        var weatherRNG: SplitMix64
        var index: Int64 = 0
        var time: Timestamp
        var pending: [EventEnvelope] = []
        var pendingIndex = 0
        var rides: [[RideState]]
        var parkDeviation: [Double]
        var days: [ParkDay?]

        init(simulator: ParkSimulator) {
            self.simulator = simulator
            rng = SplitMix64(seed: simulator.configuration.seed ^ 0x5EED)
            weatherRNG = SplitMix64(seed: simulator.configuration.seed ^ 0x3EA7)
            time = simulator.configuration.start
            rides = simulator.parks.map { Array(repeating: RideState(), count: $0.rides.count) }
            parkDeviation = Array(repeating: 0, count: simulator.parks.count)
            days = Array(repeating: nil, count: simulator.parks.count)
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

        /// AR(1) step of a log deviation with correlation time `tau` seconds and stationary deviation `sd`.
        mutating func evolve(_ x: Double, tau: Double, sd: Double) -> Double {
            let phi = exp(-Double(simulator.configuration.stepSeconds) / tau)
            return phi * x + sd * (1 - phi * phi).squareRoot() * rng.gaussian()
        }

        mutating func newDay(_ day: Int64, weekday: Int, rides count: Int) -> ParkDay {
            // Phase of the year: 0 at the start of April, so the season peaks in late July.
            let season = sin(2 * Double.pi * (Double(day).truncatingRemainder(dividingBy: 365.2425) - 90) / 365.2425)
            let rainy = rng.unit() < 0.3
            let rainStart = 9 + rng.unit() * 9, rainLength = 1 + rng.unit() * 4
            var level = (weekday >= 5 ? 1.35 : 1.0) * (1 + 0.2 * season) * exp(0.35 * rng.gaussian() - 0.06)
            if rainy { level *= 0.9 }
            var shut: Set<Int> = []
            if simulator.configuration.feedFaults {
                for r in 0..<count where rng.unit() < 0.01 { shut.insert(r) }
            }
            return ParkDay(
                day: day, level: level, rain: rainy ? rainStart..<(rainStart + rainLength) : 0..<0, rainRate: 1 + 5 * rng.unit(),
                meanTemperature: 14 + 10 * season + 3 * rng.gaussian(), shut: shut)
        }

        mutating func step() {
            let now = Timestamp.now()
            let step = simulator.configuration.stepSeconds
            for (p, park) in simulator.parks.enumerated() {
                let offset = TimeZone(identifier: park.timeZone)?.secondsFromGMT(
                    for: Date(timeIntervalSince1970: Double(time.seconds))) ?? 0
                let local = time.seconds + Int64(offset)
                let day = Timestamp.floorDivision(local, 86_400)
                let localHour = Double(local - day * 86_400) / 3600
                let (weekday, _) = time.hourOfWeek(offsetSeconds: offset)
                let (opens, closes) = ParkSimulator.hours(weekday: weekday)

                if days[p]?.day != day {
                    days[p] = newDay(day, weekday: weekday, rides: park.rides.count)
                    let (y, m, d) = Timestamp.civilFromDays(day)
                    let midnightUTC = day * 86_400 - Int64(offset)
                    let schedule = ParkScheduleUpdated(
                        parkID: park.id, date: String(format: "%04d-%02d-%02d", y, m, d),
                        opensAt: Timestamp(seconds: midnightUTC + Int64(opens * 3600)),
                        closesAt: Timestamp(seconds: midnightUTC + Int64(closes * 3600)), timeZone: park.timeZone)
                    pending.append(EventEnvelope(schedule, id: nextID(), source: "simulator", eventTime: time, ingestTime: now))
                }
                let today = days[p]!
                let raining = today.rain.contains(localHour)
                let temperature = today.meanTemperature + 4 * sin(Double.pi * (localHour - 9) / 12)
                let hourStarts = local % 3600 < step
                if simulator.configuration.weather, hourStarts {
                    let hourStart = time.seconds - local % 3600
                    let localHourStart = Double((local % 86_400) / 3600)
                    // This hour, observed, and the next three of the same day, forecast.
                    for ahead in 0...3 where localHourStart + Double(ahead) < 24 {
                        let h = localHourStart + Double(ahead)
                        let wet = Swift.max(0, Swift.min(h + 1, today.rain.upperBound) - Swift.max(h, today.rain.lowerBound))
                        var precipitation = wet * today.rainRate
                        if ahead > 0, weatherRNG.unit() < 0.2 { precipitation = precipitation > 0 ? 0 : 0.5 + weatherRNG.unit() * 2 }
                        let forecast = today.meanTemperature + 4 * sin(Double.pi * (h + 0.5 - 9) / 12) + (ahead > 0 ? weatherRNG.gaussian() : 0)
                        let report = ParkWeatherHour(
                            parkID: park.id, hour: Timestamp(seconds: hourStart + Int64(ahead) * 3600),
                            temperatureC: (forecast * 10).rounded() / 10, precipitationMM: (precipitation * 10).rounded() / 10)
                        pending.append(EventEnvelope(report, id: nextID(), source: "simulator", eventTime: time, ingestTime: now))
                    }
                }

                let open = localHour >= opens && localHour < closes
                guard open else {
                    for (r, ride) in park.rides.enumerated() {
                        // One CLOSED reading at closing time (with the 0 a Queue-Times feed gives), then silence
                        // until morning, unless the feed re-stamps zeros overnight.
                        if rides[p][r].wasOpen {
                            rides[p][r].wasOpen = false
                            emit(park, ride, simulator.configuration.feedFaults ? 0 : nil, .closed, now: now)
                        } else if park.zerosOvernight, hourStarts {
                            emit(park, ride, 0, .operating, now: now)
                        }
                    }
                    continue
                }
                if localHour - opens < Double(step) / 3600 {
                    // A new day's crowd: yesterday's deviations do not carry over.
                    parkDeviation[p] = 0.15 * rng.gaussian()
                    for r in rides[p].indices { rides[p][r].deviation = 0.2 * rng.gaussian() }
                } else {
                    parkDeviation[p] = evolve(parkDeviation[p], tau: 180 * 60, sd: 0.15)
                }
                // Crowd curve: ramps from opening, peaks around 14:30, eases towards closing.
                let x = (localHour - 14) / 5
                let curve = 0.35 + 0.65 * exp(-x * x)
                let weather = (raining ? 0.67 : 1) * (temperature > 30 ? 0.9 : 1)
                for (r, ride) in park.rides.enumerated() {
                    rides[p][r].wasOpen = true
                    if today.shut.contains(r) {
                        emit(park, ride, 0, .closed, now: now)
                        continue
                    }
                    rides[p][r].deviation = evolve(rides[p][r].deviation, tau: 90 * 60, sd: 0.2)
                    if rides[p][r].downUntil > time.seconds {
                        emit(park, ride, nil, .down, now: now)
                        continue
                    }
                    if rides[p][r].downUntil > 0 {
                        rides[p][r].downUntil = 0
                        rides[p][r].reopenedAt = time.seconds
                    }
                    if rng.unit() < 0.003 {
                        rides[p][r].downUntil = time.seconds + 900 + Int64(rng.unit() * 3600)
                        emit(park, ride, nil, .down, now: now)
                        continue
                    }
                    var recovery = 1.0
                    if let reopened = rides[p][r].reopenedAt {
                        let minutes = Double(time.seconds - reopened) / 60
                        if minutes >= 45 { rides[p][r].reopenedAt = nil } else { recovery = 0.3 + 0.7 * minutes / 45 }
                    }
                    let noise = 1 + 0.06 * (rng.unit() - 0.5)
                    let wait = ride.peakWait * curve * today.level * exp(parkDeviation[p] + rides[p][r].deviation) * weather
                        * recovery * noise
                    var posted = Swift.min(Int(WaitTimeObserved.maxWaitMinutes), Swift.max(5, Int((wait / 5).rounded()) * 5))
                    if simulator.configuration.feedFaults {
                        if rides[p][r].frozenUntil > time.seconds, let last = rides[p][r].lastPosted {
                            posted = last
                        } else if rng.unit() < 0.001 {
                            rides[p][r].frozenUntil = time.seconds + 1200 + Int64(rng.unit() * 2400)
                        }
                    }
                    rides[p][r].lastPosted = posted
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
