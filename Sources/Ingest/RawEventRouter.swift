import Events

/// Which raw event types Turnstile accepts from the outside, how each is validated, and where it goes.
///
/// Derived types (crowd levels, attraction updates) are written only by processors and are refused here.
public struct RawEventRouter: Sendable {
    struct Route: Sendable {
        var topic: String
        /// Validates the payload and returns its partition key.
        var validate: @Sendable (EventEnvelope) throws(EventValidationError) -> String
    }

    private let routes: [String: Route]

    /// Motorsport and parking topics share the parks topics' prefix unless given.
    public init(topics: ParkTopics = .standard, motorsport: MotorsportTopics? = nil, parking: ParkingTopics? = nil) {
        let motorsport = motorsport ?? MotorsportTopics(prefix: topics.prefix)
        let parking = parking ?? ParkingTopics(prefix: topics.prefix)
        func route<P: EventPayload>(_: P.Type, _ topic: String) -> (String, Route) {
            (P.eventType, Route(topic: topic) { (e: EventEnvelope) throws(EventValidationError) -> String in
                try e.decode(P.self).partitionKey
            })
        }
        routes = Dictionary(uniqueKeysWithValues: [
            route(WaitTimeObserved.self, topics.waitTimes),
            route(ParkScheduleUpdated.self, topics.schedules),
            route(LapCompleted.self, motorsport.timing),
            route(PitStopReported.self, motorsport.timing),
            route(StintReported.self, motorsport.timing),
            route(PositionReported.self, motorsport.timing),
            route(IntervalReported.self, motorsport.timing),
            route(DriverRetired.self, motorsport.timing),
            route(CarSample.self, motorsport.carData),
            route(SpotReading.self, parking.sensors),
            route(SensorHeartbeat.self, parking.sensors),
            route(GatePassed.self, parking.sensors),
            route(OccupancyCounted.self, parking.sensors),
            route(FacilityLayout.self, parking.sensors),
        ])
    }

    public var acceptedTypes: [String] { routes.keys.sorted() }

    /// A validated event, ready to produce: topic, key (always the payload's own key) and envelope.
    public struct Routed: Sendable {
        public var topic: String
        public var envelope: EventEnvelope
    }

    public func route(_ envelope: EventEnvelope) throws(EventValidationError) -> Routed {
        guard let route = routes[envelope.type] else {
            throw EventValidationError(
                field: "type", reason: "'\(envelope.type)' is not an accepted raw event type (accepted: \(acceptedTypes.joined(separator: ", ")))")
        }
        var e = envelope
        e.key = try route.validate(envelope)
        return Routed(topic: route.topic, envelope: e)
    }

    /// Parses, validates and routes one raw JSON event.
    public func route(json: JSONValue, ingestTime: Timestamp) throws(EventValidationError) -> Routed {
        try route(EventEnvelope(json: json, defaultIngestTime: ingestTime))
    }
}
