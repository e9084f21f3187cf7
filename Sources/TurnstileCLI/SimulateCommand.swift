import ArgumentParser
import Events
import Foundation
import Ingest
import Kafka

struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate", abstract: "Produce deterministic simulated events to Kafka.",
        subcommands: [Parks.self, Race.self, Garage.self])

    struct Parks: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Simulate theme-park days: schedules and wait-time readings every 5 minutes (and the weather with --weather).",
            discussion: "Busy and quiet days, waits that drift within a day, breakdowns, rain, and the real feeds' faults: the process is described on ParkSimulator. The same --seed gives the same events. With --events N it produces exactly N events, waits for the broker's acknowledgement of every one, and says so.")

        @OptionGroup var global: GlobalOptions

        @Option(help: "Seed of the simulation.") var seed: UInt64 = 1
        @Option(help: "Number of events to produce.") var events: Int = 10_000
        @Option(help: "Number of parks.") var parks: Int = 2
        @Option(help: "Attractions per park.") var attractions: Int = 25
        @Option(help: "First simulated day, YYYY-MM-DD (UTC).") var start: String = "2024-05-20"
        @Option(help: "Events per second (default: as fast as possible).") var rate: Double?
        @Flag(help: "Also report each park's weather every hour (this hour observed, the next three forecast) to parks.weather.")
        var weather = false
        @Flag(help: "Leave out the real feeds' faults (frozen values, CLOSED rides posting 0, zeros re-stamped overnight).")
        var noFeedFaults = false
        @Flag(help: "Print the events as NDJSON instead of producing them.") var dryRun = false

        func validate() throws {
            guard events >= 0 else { throw ValidationError("--events must be 0 or more") }
            guard Timestamp(iso8601: start) != nil else { throw ValidationError("--start: '\(start)' is not YYYY-MM-DD") }
            if let rate, rate <= 0 { throw ValidationError("--rate must be positive") }
        }

        func run() async throws {
            let simulator = ParkSimulator(.init(
                seed: seed, parks: parks, attractionsPerPark: attractions, start: Timestamp(iso8601: start)!, weather: weather,
                feedFaults: !noFeedFaults))
            try await SimulationRunner.emit(simulator.prefix(events), global: global, dryRun: dryRun, rate: rate, about: "seed \(seed)")
        }
    }
}

extension SimulateCommand {
    struct Race: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Simulate a motor race: drivers, laps, stints, pit stops, a safety car, a retirement, telemetry.",
            discussion: "The same --seed gives the same race. Produces every event of the race (timing to motorsport.timing, telemetry to motorsport.car-data), waits for the broker's acknowledgements, and says how many.")

        @OptionGroup var global: GlobalOptions

        @Option(help: "Seed of the simulation.") var seed: UInt64 = 1
        @Option(help: "Session id.") var session: String = "sim-race-1"
        @Option(help: "Number of cars (2–99).") var cars: Int = 20
        @Option(help: "Number of laps.") var laps: Int = 50
        @Option(help: "Telemetry samples per second per car (0: none).") var telemetryHz: Double = 0
        @Option(help: "Events per second (default: as fast as possible).") var rate: Double?
        @Flag(help: "Print the events as NDJSON instead of producing them.") var dryRun = false

        func validate() throws {
            guard (2...99).contains(cars) else { throw ValidationError("--cars must be between 2 and 99") }
            guard laps >= 3 else { throw ValidationError("--laps must be 3 or more") }
            guard telemetryHz >= 0, telemetryHz <= 50 else { throw ValidationError("--telemetry-hz must be between 0 and 50") }
            if let rate, rate <= 0 { throw ValidationError("--rate must be positive") }
        }

        func run() async throws {
            let events = RaceSimulator(.init(seed: seed, sessionID: session, cars: cars, laps: laps, telemetryHz: telemetryHz)).events()
            try await SimulationRunner.emit(events, global: global, dryRun: dryRun, rate: rate, about: "seed \(seed), session \(session)")
        }
    }
}

extension SimulateCommand {
    struct Garage: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Simulate parking garages: bay sensors, heartbeats, gates and counts, with flapping, dead and re-sent sensors.",
            discussion: """
                The same --seed gives the same events. Each facility starts with its layout; spot-based facilities send \
                readings and heartbeats (the heartbeat's sensor_id is the spot_id), count-based ones gate passages and a \
                total every 15 minutes. Events come out in delivery order: event_time is the sensor's time, so a late \
                reading follows newer ones and a re-sent one appears twice with the same id. Produces every event of \
                the period, waits for the broker's acknowledgements, and says how many.
                """)

        @OptionGroup var global: GlobalOptions

        @Option(help: "Seed of the simulation.") var seed: UInt64 = 1
        @Option(help: "Number of facilities (garage-1, garage-2, …).") var facilities: Int = 1
        @Option(help: "Levels per facility (L1, L2, …).") var levels: Int = 2
        @Option(help: "Zones per level (A, B, …; at most 26).") var zones: Int = 2
        @Option(help: "Spots per zone.") var spots: Int = 20
        @Option(help: "Simulated hours.") var hours: Int = 24
        @Option(help: "First simulated instant, UTC: YYYY-MM-DD or an RFC 3339 timestamp (the curve follows Europe/London time).")
        var start: String = "2024-05-20T00:00:00Z"
        @Option(help: "Seconds between heartbeats of a sensor with nothing to report.") var heartbeatSeconds: Int = 300
        @Option(help: "Share of bay sensors that flap (false changes taken back within seconds), 0–1.") var flapping: Double = 0.05
        @Option(help: "Share of bay sensors that go silent (every other one comes back), 0–1.") var dead: Double = 0.05
        @Option(help: "Share of readings sent twice with the same id, 0–1.") var duplicates: Double = 0.02
        @Option(help: "Share of readings delivered minutes late, after newer ones, 0–1.") var late: Double = 0.01
        @Option(help: "How many facilities, counted from the last, count vehicles at gates instead of sensing spots.")
        var countBased: Int = 0
        @Option(help: "Events per second (default: as fast as possible).") var rate: Double?
        @Flag(help: "Print the events as NDJSON instead of producing them.") var dryRun = false

        func validate() throws {
            guard (1...100).contains(facilities) else { throw ValidationError("--facilities must be between 1 and 100") }
            guard (1...99).contains(levels) else { throw ValidationError("--levels must be between 1 and 99") }
            guard (1...26).contains(zones) else { throw ValidationError("--zones must be between 1 and 26") }
            guard (1...10_000).contains(spots) else { throw ValidationError("--spots must be between 1 and 10000") }
            guard (1...24 * 366).contains(hours) else { throw ValidationError("--hours must be between 1 and 8784") }
            guard Timestamp(iso8601: start) != nil else { throw ValidationError("--start: '\(start)' is not YYYY-MM-DD or an RFC 3339 timestamp") }
            guard (10...28_800).contains(heartbeatSeconds) else { throw ValidationError("--heartbeat-seconds must be between 10 and 28800") }
            for (name, share) in [("--flapping", flapping), ("--dead", dead), ("--duplicates", duplicates), ("--late", late)] {
                guard (0...1).contains(share) else { throw ValidationError("\(name) must be between 0 and 1") }
            }
            guard flapping + dead <= 1 else { throw ValidationError("--flapping and --dead together must be at most 1") }
            guard duplicates + late <= 1 else { throw ValidationError("--duplicates and --late together must be at most 1") }
            guard (0...facilities).contains(countBased) else { throw ValidationError("--count-based must be between 0 and --facilities") }
            if let rate, rate <= 0 { throw ValidationError("--rate must be positive") }
        }

        func run() async throws {
            let events = GarageSimulator(.init(
                seed: seed, facilities: facilities, levelsPerFacility: levels, zonesPerLevel: zones, spotsPerZone: spots,
                start: Timestamp(iso8601: start)!, hours: hours, heartbeatSeconds: heartbeatSeconds, flappingShare: flapping,
                deadShare: dead, duplicateShare: duplicates, lateShare: late, countBasedFacilities: countBased)).events()
            try await SimulationRunner.emit(events, global: global, dryRun: dryRun, rate: rate, about: "seed \(seed)")
        }
    }
}

/// Feeds simulated events to the publisher in batches, paced when a rate is given.
struct SimulationRunner {
    let publisher: EventPublisher

    /// What every `simulate` command does with its events: print them as NDJSON (`--dry-run`), or produce them
    /// (paced at `rate` when given) and say how many.
    static func emit<S: Sequence<EventEnvelope>>(
        _ events: S, global: GlobalOptions, dryRun: Bool, rate: Double?, about: String
    ) async throws {
        let logger = try global.bootstrap(label: "turnstile.simulate")
        if dryRun {
            for e in events { print(String(decoding: e.encoded(), as: UTF8.self)) }
            return
        }
        let producer = try KafkaProducer(config: try global.kafkaConfig(), logger: logger)
        defer { producer.close() }
        let publisher = EventPublisher(producer: producer, router: RawEventRouter(topics: global.topics))
        let started = ContinuousClock.now
        let produced = try await SimulationRunner(publisher: publisher).run(events, rate: rate)
        let seconds = (ContinuousClock.now - started).seconds
        print("produced \(produced) events in \(String(format: "%.2f", seconds)) s (\(about))")
    }

    func run<S: Sequence<EventEnvelope>>(_ events: S, rate: Double?) async throws -> Int {
        // Paced: small batches every 10 ms; unpaced: large batches.
        let batchSize = rate.map { max(1, Int($0 / 100)) } ?? 10_000
        let clock = ContinuousClock()
        let start = clock.now
        var produced = 0
        var batch: [EventEnvelope] = []
        batch.reserveCapacity(batchSize)
        for event in events {
            batch.append(event)
            if batch.count == batchSize {
                // Ingest time is when an event enters Turnstile: the moment it is sent, not when the simulator
                // made it (a simulated minute of a park comes out all at once, then goes out paced).
                if rate != nil {
                    let now = Timestamp.now()
                    for i in batch.indices { batch[i].ingestTime = now }
                }
                produced += try await publisher.publish(batch)
                batch.removeAll(keepingCapacity: true)
                if let rate {
                    let due = start + .seconds(Double(produced) / rate)
                    if due > clock.now { try await clock.sleep(until: due) }
                }
            }
        }
        produced += try await publisher.publish(batch)
        return produced
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
