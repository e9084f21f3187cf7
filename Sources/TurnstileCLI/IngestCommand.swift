import ArgumentParser
import Events
import Foundation
import Ingest
import Kafka
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

struct IngestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Read feed payloads from files or URLs, validate them and produce raw events to Kafka.",
        discussion: """
            Formats:
              queue-times      Queue-Times /parks/{id}/queue_times.json (park id from --park-id, the URL or a file name like park16_….json)
              themeparks-wiki  ThemeParks.wiki /v1/entity/{id}/live (one park), or a list of {timestamp, parks:[…]} snapshots
              open-meteo       Open-Meteo /v1/forecast with hourly=temperature_2m,precipitation (park id from --park-id)
              openf1-laps, openf1-pit, openf1-stints, openf1-position, openf1-intervals, openf1-car-data, openf1-drivers
                               OpenF1 API responses (api.openf1.org/v1/laps, /pit, /stints, /position, /intervals, /car_data, /drivers)
              melbourne-bays   City of Melbourne bay sensors CSV (facility from --facility, default melbourne)
              birmingham-counts
                               UCI Birmingham counts CSV without header (local times in --time-zone, default Europe/London)
              konstanz-guidance
                               Konstanz parking guidance CSV (ArcGIS attributes.* columns)
              events           Turnstile event envelopes as NDJSON or a JSON array
            Skipped items and invalid events are reported on stderr; the exit code is 1 when nothing was valid.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case queueTimes = "queue-times"
        case themeParksWiki = "themeparks-wiki"
        case openMeteo = "open-meteo"
        case openF1Laps = "openf1-laps"
        case openF1Pit = "openf1-pit"
        case openF1Stints = "openf1-stints"
        case openF1Position = "openf1-position"
        case openF1Intervals = "openf1-intervals"
        case openF1CarData = "openf1-car-data"
        case openF1Drivers = "openf1-drivers"
        case melbourneBays = "melbourne-bays"
        case birminghamCounts = "birmingham-counts"
        case konstanzGuidance = "konstanz-guidance"
        case events

        var openF1: OpenF1Adapter.Endpoint? {
            switch self {
            case .openF1Laps: .laps
            case .openF1Pit: .pit
            case .openF1Stints: .stints
            case .openF1Position: .position
            case .openF1Intervals: .intervals
            case .openF1CarData: .carData
            case .openF1Drivers: .drivers
            case .queueTimes, .themeParksWiki, .openMeteo, .melbourneBays, .birminghamCounts, .konstanzGuidance, .events: nil
            }
        }
    }

    @OptionGroup var global: GlobalOptions

    @Option(help: "Payload format: \(Format.allCases.map(\.rawValue).joined(separator: ", ")).")
    var format: Format

    @Option(help: "Park id for Queue-Times and Open-Meteo payloads (which do not name their park).")
    var parkID: String?

    @Option(help: "IANA time zone of the park (Queue-Times payloads do not say), or of birmingham-counts' local times (default Europe/London).")
    var timeZone: String?

    @Option(help: "Facility id for melbourne-bays payloads (default melbourne).")
    var facility: String?

    @Flag(help: "Print the validated events as NDJSON instead of producing them.")
    var dryRun = false

    @Argument(help: "Files or http(s) URLs.")
    var locations: [String]

    func run() async throws {
        let logger = try global.bootstrap(label: "turnstile.ingest")
        let router = RawEventRouter(topics: global.topics)
        let now = Timestamp.now()
        var events: [EventEnvelope] = []
        var invalid = 0
        for location in locations {
            let bytes = try await Self.load(location)
            let batch: FeedBatch
            switch format {
            case .queueTimes:
                guard let park = parkID ?? QueueTimesAdapter.parkID(fromLocation: location) else {
                    throw ValidationError("--park-id: required for \(location) (Queue-Times payloads do not name their park)")
                }
                batch = try QueueTimesAdapter(parkID: park, timeZone: timeZone).read(try JSONParser.parse(bytes), ingestTime: now)
            case .themeParksWiki:
                batch = try ThemeParksWikiAdapter().read(try JSONParser.parse(bytes), ingestTime: now)
            case .openMeteo:
                guard let parkID else { throw ValidationError("--park-id: required for open-meteo (the API knows coordinates, not parks)") }
                batch = try OpenMeteoAdapter(parkID: parkID).read(try JSONParser.parse(bytes), ingestTime: now)
            case .melbourneBays:
                let adapter = facility.map { MelbourneBaySensorsAdapter(facilityID: $0) } ?? MelbourneBaySensorsAdapter()
                batch = try adapter.read(bytes, ingestTime: now)
            case .birminghamCounts:
                let adapter = timeZone.map { BirminghamCountsAdapter(timeZone: $0) } ?? BirminghamCountsAdapter()
                batch = try adapter.read(bytes, ingestTime: now)
            case .konstanzGuidance:
                batch = try KonstanzGuidanceAdapter().read(bytes, ingestTime: now)
            case .events:
                batch = Self.readEnvelopes(bytes, now: now)
            case .openF1Laps, .openF1Pit, .openF1Stints, .openF1Position, .openF1Intervals, .openF1CarData, .openF1Drivers:
                batch = try OpenF1Adapter(format.openF1!).read(try JSONParser.parse(bytes), ingestTime: now)
            }
            for reason in batch.skipped { logger.notice("skipped", metadata: ["location": "\(location)", "reason": "\(reason)"]) }
            for e in batch.events {
                do {
                    events.append(try router.route(e).envelope)
                } catch {
                    invalid += 1
                    logger.warning("invalid event", metadata: ["location": "\(location)", "id": "\(e.id)", "error": "\(error)"])
                }
            }
        }
        if dryRun {
            for e in events { print(String(decoding: e.encoded(), as: UTF8.self)) }
        } else if !events.isEmpty {
            let producer = try KafkaProducer(config: try global.kafkaConfig(), logger: logger)
            defer { producer.close() }
            let n = try await EventPublisher(producer: producer, router: router).publish(events)
            print("produced \(n) events (\(invalid) invalid)")
        }
        if events.isEmpty { throw ExitCode.failure }
    }

    static func readEnvelopes(_ bytes: [UInt8], now: Timestamp) -> FeedBatch {
        var batch = FeedBatch()
        bytes.withUnsafeBufferPointer { buffer in
            let values: [(Int, Result<JSONValue, JSONParseError>)]
            if buffer.first(where: { $0 > 0x20 }) == UInt8(ascii: "[") {
                switch Result(catching: { () throws(JSONParseError) in try JSONParser.parse(buffer) }) {
                case .success(let v): values = (v.arrayValue ?? []).enumerated().map { ($0.offset + 1, .success($0.element)) }
                case .failure(let e): values = [(1, .failure(e))]
                }
            } else {
                values = JSONParser.lines(buffer).map { line, range in
                    (line, Result(catching: { () throws(JSONParseError) in try JSONParser.parse(UnsafeBufferPointer(rebasing: buffer[range])) }))
                }
            }
            for (line, value) in values {
                do {
                    batch.events.append(try EventEnvelope(json: value.get(), defaultIngestTime: now))
                } catch {
                    batch.skipped.append("line \(line): \(error)")
                }
            }
        }
        return batch
    }

    static func load(_ location: String) async throws -> [UInt8] {
        if location.hasPrefix("http://") || location.hasPrefix("https://") {
            guard let url = URL(string: location) else { throw ValidationError("not a URL: \(location)") }
            let (data, response) = try await URLSession.shared.data(from: url)
            if let http = response as? HTTPURLResponse, !(200..<300).contains(http.statusCode) {
                throw ValidationError("\(location) answered HTTP \(http.statusCode)")
            }
            return [UInt8](data)
        }
        guard let data = FileManager.default.contents(atPath: location) else {
            throw ValidationError("cannot read \(location)")
        }
        return [UInt8](data)
    }
}
