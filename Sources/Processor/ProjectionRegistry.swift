import Events
import Logging
import Projections

/// The projections this build can run, by name.
public enum ProjectionRegistry {
    public static let names = ["parks_wait_times", "parks_crowd"]

    /// Workers for the named projections (all when `names` is empty).
    public static func workers(
        _ names: [String], settings: ProcessorSettings, runtime: RuntimeTables = RuntimeTables(),
        parks: ParksTables = ParksTables(), topics: ParkTopics = .standard, logger: Logger
    ) throws -> [any BlockingRunner] {
        let wanted = names.isEmpty ? Self.names : names
        return try wanted.map { name -> any BlockingRunner in
            switch name {
            case "parks_wait_times":
                return ProjectionWorker(store: WaitTimesStore(projection: WaitTimesProjection(topics: topics), tables: parks), settings: settings, tables: runtime, logger: logger)
            case "parks_crowd":
                return ProjectionWorker(store: CrowdStore(projection: CrowdProjection(topics: topics), tables: parks), settings: settings, tables: runtime, logger: logger)
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
