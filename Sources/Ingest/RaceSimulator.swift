import Events
import Foundation

/// A deterministic race: N cars × M laps, tyre degradation by compound, one or two pit stops per car, a
/// safety-car period, a retirement, and optionally car telemetry. Events come out in the order the timing
/// system would send them (by time). The same seed gives the same race.
public struct RaceSimulator: Sendable {
    public struct Configuration: Sendable {
        public var seed: UInt64
        public var sessionID: String
        public var cars: Int
        public var laps: Int
        public var start: Timestamp
        /// Telemetry samples per second per car (0: none).
        public var telemetryHz: Double

        public init(seed: UInt64 = 1, sessionID: String = "sim-race-1", cars: Int = 20, laps: Int = 50,
                    start: Timestamp = Timestamp(iso8601: "2024-03-24T04:00:00Z")!, telemetryHz: Double = 0) {
            self.seed = seed
            self.sessionID = sessionID
            self.cars = Swift.min(Swift.max(2, cars), 99)
            self.laps = Swift.max(3, laps)
            self.start = start
            self.telemetryHz = Swift.max(0, telemetryHz)
        }
    }

    /// Seconds per lap of tyre age, by compound: softs are fast and fade.
    static let degradation: [TyreCompound: Double] = [.soft: 0.09, .medium: 0.05, .hard: 0.03]
    static let compoundPace: [TyreCompound: Double] = [.soft: 0, .medium: 0.45, .hard: 0.8]

    /// Made-up drivers and teams (acronym, team), assigned by car number.
    static let drivers: [(String, String)] = [
        ("ALB", "Atlas"), ("BRE", "Atlas"), ("COR", "Boreal"), ("DUV", "Boreal"), ("ESP", "Cinder"), ("FAL", "Cinder"),
        ("GRA", "Delta"), ("HOL", "Delta"), ("IVE", "Ember"), ("JOR", "Ember"), ("KAS", "Fjord"), ("LUN", "Fjord"),
        ("MOR", "Gale"), ("NYS", "Gale"), ("OKA", "Halo"), ("PER", "Halo"), ("QUI", "Iris"), ("ROS", "Iris"),
        ("SAL", "Jade"), ("TOR", "Jade"),
    ]
    static let teamColours = [
        "Atlas": "1E41FF", "Boreal": "DC0000", "Cinder": "FF8700", "Delta": "00D2BE", "Ember": "006F62",
        "Fjord": "2B4562", "Gale": "B6BABD", "Halo": "900000", "Iris": "0090FF", "Jade": "52E252",
    ]

    public let configuration: Configuration

    public init(_ configuration: Configuration) { self.configuration = configuration }

    /// The whole race, in time order.
    public func events() -> [EventEnvelope] {
        let c = configuration
        var rng = SplitMix64(seed: c.seed)
        var timed: [(time: Int64, order: Int, event: EventEnvelope)] = []
        let ingestTime = Timestamp.now()
        var order = 0
        func add<P: EventPayload>(_ payload: P, _ cause: String, at time: Int64) {
            let e = EventEnvelope(
                payload, id: EventID.derived("race-simulator", String(c.seed), c.sessionID, cause), source: "simulator",
                eventTime: Timestamp(microseconds: time), ingestTime: ingestTime)
            timed.append((time, order, e))
            order += 1
        }
        let safetyCar = (c.laps / 3)...(c.laps / 3 + 2)
        let retiring = 1 + Int(rng.next() % UInt64(c.cars))
        let retireLap = c.laps / 2 + Int(rng.next() % UInt64(Swift.max(1, c.laps / 4)))
        // Who drives: every car but the last (a feed does not always name everyone: that car goes by its number).
        for car in 1..<c.cars {
            let (acronym, team) = Self.drivers[(car - 1) % Self.drivers.count]
            add(DriverIdentified(
                    sessionID: c.sessionID, driverNumber: car, nameAcronym: acronym, broadcastName: "\(acronym.prefix(1)) \(acronym)",
                    teamName: team, teamColour: Self.teamColours[team]),
                "driver/\(car)", at: c.start.microseconds)
        }
        // Start positions: car n on grid slot n, a car length (0.25 s) apart.
        for car in 1...c.cars {
            add(PositionReported(sessionID: c.sessionID, driverNumber: car, position: car), "grid/\(car)", at: c.start.microseconds)
        }
        // The leader's lap start times drive the safety car: everyone is slow on those laps.
        for car in 1...c.cars {
            let skill = 0.35 * Double(car - 1) / Double(c.cars) + 0.2 * rng.unit()
            let firstCompound: TyreCompound = car % 3 == 0 ? .soft : (car % 3 == 1 ? .medium : .hard)
            let pitLap = Swift.max(2, Swift.min(c.laps - 1, c.laps * (firstCompound == .soft ? 30 : 50) / 100 + Int(rng.next() % 5)))
            var compound = firstCompound
            var stint = 1
            var stintStart = 1
            add(StintReported(sessionID: c.sessionID, driverNumber: car, stintNumber: 1, compound: compound, lapStart: 1, lapEnd: nil, tyreAgeAtStart: 0),
                "stint/\(car)/1", at: c.start.microseconds)
            var t = c.start.microseconds + Int64(car - 1) * 250_000
            for lap in 1...c.laps {
                let age = lap - stintStart
                var seconds = 90 + skill + Self.compoundPace[compound]! + Self.degradation[compound]! * Double(age)
                seconds += 0.3 * (rng.unit() - 0.5)
                if lap == 1 { seconds += 4 }  // standing start
                if safetyCar.contains(lap) { seconds += 25 }
                let pitOut = lap == pitLap + 1
                if lap == pitLap { seconds += 3 }  // in-lap
                if pitOut { seconds += 20 }  // pit lane
                let duration = (seconds * 1000).rounded() / 1000
                let start = t
                t += Int64(duration * 1e6)
                if c.telemetryHz > 0 {
                    // Telemetry over the lap: braking zones at fixed fractions of the lap, full throttle between.
                    let step = Int64(1e6 / c.telemetryHz)
                    var at = start
                    while at < t {
                        let phase = Double(at - start) / Double(t - start)
                        let corner = abs(sin(phase * .pi * 7))
                        let braking = corner < 0.15
                        let speed = Int(95 + 235 * corner + 6 * rng.unit())
                        let gear = Swift.min(8, Swift.max(1, speed / 40))
                        add(CarSample(
                                sessionID: c.sessionID, driverNumber: car, speed: speed, throttle: braking ? 0 : Int(60 + 40 * corner),
                                brake: braking ? 100 : 0, gear: gear, rpm: 7_000 + speed * 15, drs: corner > 0.97 && !safetyCar.contains(lap) ? 12 : 0),
                            "car/\(car)/\(at)", at: at)
                        at += step
                    }
                }
                let s1 = (duration * 0.31 * 1000).rounded() / 1000, s2 = (duration * 0.37 * 1000).rounded() / 1000
                let lapEvent = LapCompleted(
                    sessionID: c.sessionID, driverNumber: car, lapNumber: lap,
                    // Like real feeds, the first lap has no lap time.
                    lapDuration: lap == 1 ? nil : duration, sector1: lap == 1 ? nil : s1, sector2: s2,
                    sector3: ((duration - s1 - s2) * 1000).rounded() / 1000, isPitOutLap: pitOut,
                    intermediate1Speed: 280 + Int(rng.next() % 30), intermediate2Speed: 250 + Int(rng.next() % 40),
                    speedTrap: 300 + Int(rng.next() % 25), startedAt: lap == 1 ? nil : Timestamp(microseconds: start))
                add(lapEvent, "lap/\(car)/\(lap)", at: t)
                if car == retiring, lap == retireLap {
                    add(DriverRetired(sessionID: c.sessionID, driverNumber: car, lapNumber: lap, reason: "power unit"), "out/\(car)", at: t + 5_000_000)
                    break
                }
                if lap == pitLap {
                    let stop = 2.0 + 1.5 * rng.unit()
                    add(PitStopReported(sessionID: c.sessionID, driverNumber: car, lapNumber: lap, laneDuration: 19.5 + stop, stopDuration: (stop * 10).rounded() / 10),
                        "pit/\(car)/\(lap)", at: t + 1_000_000)
                    add(StintReported(sessionID: c.sessionID, driverNumber: car, stintNumber: stint, compound: compound, lapStart: stintStart, lapEnd: lap, tyreAgeAtStart: 0),
                        "stint/\(car)/\(stint)/end", at: t + 1_000_000)
                    stint += 1
                    stintStart = lap + 1
                    compound = compound == .hard ? .medium : .hard
                    add(StintReported(sessionID: c.sessionID, driverNumber: car, stintNumber: stint, compound: compound, lapStart: stintStart, lapEnd: nil, tyreAgeAtStart: 0),
                        "stint/\(car)/\(stint)", at: t + 20_000_000)
                }
            }
        }
        return timed.sorted { ($0.time, $0.order) < ($1.time, $1.order) }.map(\.event)
    }
}
