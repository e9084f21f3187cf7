import Events
import Logging
import Projections

/// The projections this build can run, by name.
public enum ProjectionRegistry {
    public static let names = ["parks_wait_times", "parks_crowd", "motorsport_session", "motorsport_telemetry", "parking_occupancy"]

    /// Workers for the named projections (all when `names` is empty).
    public static func workers(
        _ names: [String], settings: ProcessorSettings, runtime: RuntimeTables = RuntimeTables(),
        parks: ParksTables = ParksTables(), motorsport: MotorsportTables = MotorsportTables(),
        parking: ParkingTables = ParkingTables(), topics: TopicNames = .standard, logger: Logger
    ) throws -> [any BlockingRunner] {
        let wanted = names.isEmpty ? Self.names : names
        // Each domain's bad records go to its own dead-letter topic (same prefix as its other topics).
        var motorsportSettings = settings
        motorsportSettings.deadLetterTopic = topics[.motorsportDeadLetters]
        var parkingSettings = settings
        parkingSettings.deadLetterTopic = topics[.parkingDeadLetters]
        return try wanted.map { name -> any BlockingRunner in
            switch name {
            case "parks_wait_times":
                return ProjectionWorker(store: WaitTimesStore(projection: WaitTimesProjection(topics: topics), tables: parks), settings: settings, tables: runtime, logger: logger)
            case "parks_crowd":
                return ProjectionWorker(store: CrowdStore(projection: CrowdProjection(topics: topics), tables: parks), settings: settings, tables: runtime, logger: logger)
            case "motorsport_session":
                return ProjectionWorker(
                    store: SessionStore(projection: SessionProjection(topics: topics), tables: motorsport),
                    settings: motorsportSettings, tables: runtime, logger: logger)
            case "motorsport_telemetry":
                return ProjectionWorker(
                    store: TelemetryStore(projection: TelemetryProjection(topics: topics), tables: motorsport),
                    settings: motorsportSettings, tables: runtime, logger: logger)
            case "parking_occupancy":
                return ProjectionWorker(
                    store: ParkingStore(projection: ParkingProjection(topics: topics), tables: parking),
                    settings: parkingSettings, tables: runtime, logger: logger)
            default:
                throw UnknownProjection(name: name)
            }
        }
    }
}

public struct UnknownProjection: Error, CustomStringConvertible {
    public var name: String
    public init(name: String) { self.name = name }
    public var description: String {
        "unknown projection '\(name)' (known: \(ProjectionRegistry.names.joined(separator: ", ")))"
    }
}
