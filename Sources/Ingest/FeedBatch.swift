import Events

/// What a feed adapter made of one payload: events, and the items it skipped with the reason.
public struct FeedBatch: Sendable {
    public var events: [EventEnvelope] = []
    public var skipped: [String] = []

    public init() {}
}

/// A payload a feed adapter cannot read at all.
public struct FeedFormatError: Error, Sendable, CustomStringConvertible {
    public var format: String
    public var reason: String
    public var description: String { "\(format): \(reason)" }
}
