/// A deployment's topic names: each catalog name behind one prefix, the namespace of a deployment (tests,
/// tenants, benchmarks). The only place a prefix is applied.
public struct TopicNames: Sendable, Equatable {
    public let prefix: String
    private let names: [String]

    public init(prefix: String = "") {
        self.prefix = prefix
        // Joined once: folds name a topic on every derived event.
        names = Topic.allCases.map { prefix + $0.rawValue }
    }

    public static let standard = TopicNames()

    public subscript(_ topic: Topic) -> String { names[Topic.allCases.firstIndex(of: topic)!] }

    /// Every topic of the deployment, in catalog order.
    public var all: [String] { names }

    /// The topic a deployment's `name` stands for (nil for a name outside the deployment).
    public func topic(named name: String) -> Topic? {
        guard name.hasPrefix(prefix) else { return nil }
        return Topic(rawValue: String(name.dropFirst(prefix.count)))
    }
}
