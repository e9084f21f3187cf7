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
    /// How far after the ingest clock an event's time (or its own ingest time) may lie: further ahead is a
    /// producer whose clock is wrong, and its events would pin every "latest" state.
    public let maxAheadSeconds: Int64

    /// The default `maxAheadSeconds`: 10 minutes.
    public static let defaultMaxAheadSeconds: Int64 = 600

    public init(topics: TopicNames = .standard, maxAheadSeconds: Int64 = RawEventRouter.defaultMaxAheadSeconds) {
        // Never beyond what every decoder accepts, or ingest would accept events that no projection folds.
        self.maxAheadSeconds = min(max(0, maxAheadSeconds), EventEnvelope.maxEventTimeAheadSeconds)
        func route<P: EventPayload>(_: P.Type, _ topic: Topic) -> (String, Route) {
            (P.eventType, Route(topic: topics[topic]) { (e: EventEnvelope) throws(EventValidationError) -> String in
                try e.decode(P.self).partitionKey
            })
        }
        routes = Dictionary(uniqueKeysWithValues: [
            route(WaitTimeObserved.self, .parksWaitTimes),
            route(ParkScheduleUpdated.self, .parksSchedules),
            route(ParkWeatherHour.self, .parksWeather),
            route(LapCompleted.self, .motorsportTiming),
            route(PitStopReported.self, .motorsportTiming),
            route(StintReported.self, .motorsportTiming),
            route(PositionReported.self, .motorsportTiming),
            route(IntervalReported.self, .motorsportTiming),
            route(DriverRetired.self, .motorsportTiming),
            route(DriverIdentified.self, .motorsportTiming),
            route(CarSample.self, .motorsportCarData),
            route(SpotReading.self, .parkingSensors),
            route(SensorHeartbeat.self, .parkingSensors),
            route(GatePassed.self, .parkingSensors),
            route(OccupancyCounted.self, .parkingSensors),
            route(FacilityLayout.self, .parkingSensors),
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

    /// Parses, validates and routes one raw JSON event received at `ingestTime` (now): its times may not lie
    /// more than `maxAheadSeconds` after it.
    public func route(json: JSONValue, ingestTime: Timestamp) throws(EventValidationError) -> Routed {
        let envelope = try EventEnvelope(json: json, defaultIngestTime: ingestTime)
        let latest = ingestTime.adding(seconds: maxAheadSeconds)
        for (field, time) in [("event_time", envelope.eventTime), ("ingest_time", envelope.ingestTime)] where time > latest {
            throw EventValidationError(
                field: field,
                reason: "\(time) is more than \(maxAheadSeconds) s ahead of this server's clock (\(ingestTime)); check the producer's clock")
        }
        return try route(envelope)
    }
}
