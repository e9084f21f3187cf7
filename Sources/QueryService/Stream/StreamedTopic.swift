import Events

/// A derived topic the live stream (`GET /v1/stream`) serves, and the event types on it: declared once, on the
/// definition of the projection that writes it (`ProjectionDefinition.streams`), so the stream, its `types`
/// filter and its description all follow from the list of projections.
public struct StreamedTopic: Sendable, Hashable {
    public let topic: Topic
    /// Every event type the topic carries (a test checks them against the catalog's `event_types`).
    public let eventTypes: [String]

    public init(_ topic: Topic, _ types: [any EventPayload.Type]) {
        self.topic = topic
        self.eventTypes = types.map { $0.eventType }
    }

    public static func == (a: StreamedTopic, b: StreamedTopic) -> Bool { a.topic == b.topic }
    public func hash(into hasher: inout Hasher) { hasher.combine(topic) }

    /// The filter its records answer to: a record's key starts with the park, session or facility it is about.
    public var scope: StreamScope { StreamScope(topic) }
}

/// What the stream's `park`, `session` and `facility` filters select on: each streamed topic is keyed by one of
/// them (the first segment of the key, before any `/`).
public enum StreamScope: String, Sendable, CaseIterable {
    case park, session, facility

    public init(_ topic: Topic) {
        let name = topic.baseName
        if name.hasPrefix("parks.") {
            self = .park
        } else if name.hasPrefix("motorsport.") {
            self = .session
        } else {
            self = .facility
        }
    }
}
