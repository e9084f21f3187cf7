/// Names of the parks topics. The catalog in `topics/` holds their settings; the base names here must match
/// it (a test checks). A prefix namespaces a whole deployment (tests, tenants, blue/green rebuilds).
public struct ParkTopics: Sendable, Equatable {
    public var prefix: String

    public init(prefix: String = "") { self.prefix = prefix }

    public static let standard = ParkTopics()

    public var waitTimes: String { prefix + "parks.wait-times" }
    public var schedules: String { prefix + "parks.schedules" }
    public var attractionUpdates: String { prefix + "parks.attraction-updates" }
    public var crowdLevels: String { prefix + "parks.crowd-levels" }
    public var deadLetters: String { prefix + "parks.dead-letters" }

    public var all: [String] { [waitTimes, schedules, attractionUpdates, crowdLevels, deadLetters] }
}
