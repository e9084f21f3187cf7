import Events
import Logging
import Postgres
import Processor
import Projections
import QueryService

/// The projections this build runs: the one list everything else discovers them from.
public enum ProjectionRegistry {
    public static let all: [ProjectionDefinition] = [
        .parksWaitTimes, .parksCrowd, .parksWeather, .parksAttractionContext, .parksWaitPredictions, .parksCrowdForecast, .motorsportSession, .motorsportTelemetry, .motorsportCommentary, .parkingOccupancy,
    ]

    public static var names: [String] { all.map(\.name) }

    /// Every projection change `GET /v1/stream` announces.
    public static var changes: [StreamedChange] { all.flatMap(\.changes) }

    /// Every topic `GET /v1/stream` serves, in catalog order.
    public static var streamed: [StreamedTopic] {
        all.flatMap(\.streams).sorted { Topic.allCases.firstIndex(of: $0.topic)! < Topic.allCases.firstIndex(of: $1.topic)! }
    }

    /// Every projection table, in registry order.
    public static var tables: [TableDefinition] { all.flatMap(\.tables) }

    public static func named(_ name: String) throws(UnknownProjection) -> ProjectionDefinition {
        guard let found = all.first(where: { $0.name == name }) else { throw UnknownProjection(name: name) }
        return found
    }

    /// The read endpoints of every projection that serves any, over the tables `tables` names.
    public static func routes(pool: PGPool, tables: any TableNaming = TablePlacement.live) -> [any ReadRoutes] {
        all.compactMap { $0.routes(pool: pool, tables: tables) }
    }

    /// Live workers for the named projections (all when `names` is empty).
    public static func workers(
        _ names: [String], settings: ProcessorSettings, topics: TopicNames = .standard,
        runtime: RuntimeTables = RuntimeTables(), logger: Logger
    ) throws -> [any BlockingRunner] {
        let wanted = names.isEmpty ? all : try names.map { name throws(UnknownProjection) in try named(name) }
        return wanted.map { $0.worker(topics: topics, settings: settings, runtime: runtime, logger: logger) }
    }

    /// Where each projection's tables are: its active version's placement.
    public static func directory(_ versions: [ProjectionVersion]) -> TableDirectory {
        var directory = TableDirectory()
        for version in versions where version.status == .active {
            guard let definition = all.first(where: { $0.name == version.projection }) else { continue }
            directory.place(definition.tables, at: version.placement)
        }
        return directory
    }
}

public struct UnknownProjection: Error, CustomStringConvertible {
    public var name: String
    public init(name: String) { self.name = name }
    public var description: String {
        "unknown projection '\(name)' (known: \(ProjectionRegistry.names.joined(separator: ", ")))"
    }
}
