import Events
import Logging
import Postgres
import Processor
import Projections
import QueryService

/// The projections this build runs: the one list everything else discovers them from.
public enum ProjectionRegistry {
    public static let all: [ProjectionDefinition] = [
        .parksWaitTimes, .parksCrowd, .motorsportSession, .motorsportTelemetry, .motorsportCommentary, .parkingOccupancy,
    ]

    public static var names: [String] { all.map(\.name) }

    /// Every projection table, in registry order.
    public static var tables: [TableDefinition] { all.flatMap(\.tables) }

    public static func named(_ name: String) throws(UnknownProjection) -> ProjectionDefinition {
        guard let found = all.first(where: { $0.name == name }) else { throw UnknownProjection(name: name) }
        return found
    }

    /// The read endpoints of every projection that serves any, over the tables at `placement`.
    public static func routes(pool: PGPool, placement: TablePlacement = .live) -> [any ReadRoutes] {
        all.compactMap { $0.routes(pool: pool, placement: placement) }
    }

    /// Workers for the named projections (all when `names` is empty).
    public static func workers(
        _ names: [String], settings: ProcessorSettings, topics: TopicNames = .standard, placement: TablePlacement = .live,
        runtime: RuntimeTables = RuntimeTables(), logger: Logger
    ) throws -> [any BlockingRunner] {
        let wanted = names.isEmpty ? all : try names.map { name throws(UnknownProjection) in try named(name) }
        return wanted.map { $0.worker(topics: topics, placement: placement, settings: settings, runtime: runtime, logger: logger) }
    }
}

public struct UnknownProjection: Error, CustomStringConvertible {
    public var name: String
    public init(name: String) { self.name = name }
    public var description: String {
        "unknown projection '\(name)' (known: \(ProjectionRegistry.names.joined(separator: ", ")))"
    }
}
