import ArgumentParser
import Events
import Foundation
import Ingest
import Kafka

struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate", abstract: "Produce deterministic simulated events to Kafka.",
        subcommands: [Parks.self, Race.self])

    struct Parks: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Simulate theme-park days: schedules and wait-time readings every 5 minutes.",
            discussion: "The same --seed gives the same events. With --events N it produces exactly N events, waits for the broker's acknowledgement of every one, and says so.")

        @OptionGroup var global: GlobalOptions

        @Option(help: "Seed of the simulation.") var seed: UInt64 = 1
        @Option(help: "Number of events to produce.") var events: Int = 10_000
        @Option(help: "Number of parks.") var parks: Int = 2
        @Option(help: "Attractions per park.") var attractions: Int = 25
        @Option(help: "First simulated day, YYYY-MM-DD (UTC).") var start: String = "2024-05-20"
        @Option(help: "Events per second (default: as fast as possible).") var rate: Double?
        @Flag(help: "Print the events as NDJSON instead of producing them.") var dryRun = false

        func validate() throws {
            guard events >= 0 else { throw ValidationError("--events must be 0 or more") }
            guard Timestamp(iso8601: start) != nil else { throw ValidationError("--start: '\(start)' is not YYYY-MM-DD") }
            if let rate, rate <= 0 { throw ValidationError("--rate must be positive") }
        }

        func run() async throws {
            let logger = try global.bootstrap(label: "turnstile.simulate")
            let simulator = ParkSimulator(.init(
                seed: seed, parks: parks, attractionsPerPark: attractions, start: Timestamp(iso8601: start)!))
            if dryRun {
                for e in simulator.prefix(events) { print(String(decoding: e.encoded(), as: UTF8.self)) }
                return
            }
            let producer = try KafkaProducer(config: try global.kafkaConfig(), logger: logger)
            defer { producer.close() }
            let publisher = EventPublisher(producer: producer, router: RawEventRouter(topics: global.topics))
            let started = ContinuousClock.now
            let produced = try await SimulationRunner(publisher: publisher).run(
                simulator.prefix(events), rate: rate)
            let seconds = (ContinuousClock.now - started).seconds
            print("produced \(produced) events in \(String(format: "%.2f", seconds)) s (seed \(seed))")
        }
    }
}

extension SimulateCommand {
    struct Race: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Simulate a motor race: laps, stints, pit stops, a safety car, a retirement, telemetry.",
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
            let logger = try global.bootstrap(label: "turnstile.simulate")
            let events = RaceSimulator(.init(seed: seed, sessionID: session, cars: cars, laps: laps, telemetryHz: telemetryHz)).events()
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
            print("produced \(produced) events in \(String(format: "%.2f", seconds)) s (seed \(seed), session \(session))")
        }
    }
}

/// Feeds simulated events to the publisher in batches, paced when a rate is given.
struct SimulationRunner {
    let publisher: EventPublisher

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
