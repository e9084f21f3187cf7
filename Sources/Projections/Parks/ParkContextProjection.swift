import Events

/// Re-keys each park's schedules and weather reports to every attraction of the park (`AttractionContextUpdated`
/// to `parks.attraction-context`, keyed like `parks.wait-times`), so that a fold keyed by attraction (the wait
/// forecasts) reads its park's context from its own partition, in log order, as Kafka Streams re-keys through a
/// repartition topic. It learns a park's attractions from `parks.attraction-updates` (keyed by park, like the
/// schedules and the weather: co-partitioned), and sends an attraction seen for the first time the park's
/// recent schedules and weather at once.
public struct ParkContextProjection: Projection {
    public enum Input: Sendable {
        case attraction(EventMeta, AttractionWaitUpdated)
        case schedule(EventMeta, ParkScheduleUpdated)
        case weather(EventMeta, ParkWeatherHour)
    }

    public let name = "parks_attraction_context"
    public let topics: TopicNames
    public var inputTopics: [String] { [topics[.parksAttractionUpdates], topics[.parksSchedules], topics[.parksWeather]] }
    private let contextTopic: String

    /// Dates of schedules kept for attractions seen later (today, tomorrow and yesterday's late hours).
    public static let schedulesKept = 3
    /// Weather reports kept: of hours from this long before the newest fetch on.
    public static let weatherKeptMicroseconds: Int64 = 3_600_000_000

    public init(topics: TopicNames = .standard) {
        self.topics = topics
        contextTopic = topics[.parksAttractionContext]
    }

    public func decode(_ envelope: EventEnvelope) throws(EventValidationError) -> Input {
        switch envelope.type {
        case ParkScheduleUpdated.eventType: .schedule(EventMeta(envelope), try envelope.decode(ParkScheduleUpdated.self))
        case ParkWeatherHour.eventType: .weather(EventMeta(envelope), try envelope.decode(ParkWeatherHour.self))
        default: .attraction(EventMeta(envelope), try envelope.decode(AttractionWaitUpdated.self))
        }
    }

    /// Every topic it reads has a projection of its own (parks_crowd, parks_weather) that dead-letters refusals once.
    public func deadLettersRefusals(from topic: String) -> Bool { false }

    public func stateKey(of input: Input) -> String {
        switch input {
        case .attraction(_, let u): u.parkID
        case .schedule(_, let s): s.parkID
        case .weather(_, let w): w.parkID
        }
    }

    public func fold(_ previous: consuming ParkContextState?, _ input: Input) -> FoldResult<ParkContextState, Never> {
        var state = (consume previous) ?? ParkContextState(parkID: stateKey(of: input))
        var derived: [DerivedEvent] = []
        func send(_ context: AttractionContextUpdated.Context, to attraction: String, _ meta: EventMeta, _ part: String) {
            derived.append(
                DerivedEvent(
                    topic: contextTopic, payload: AttractionContextUpdated(attractionID: attraction, context: context),
                    id: EventID.derived(name, meta.id, attraction, part), source: name, eventTime: meta.eventTime,
                    ingestTime: meta.ingestTime))
        }
        switch input {
        case .attraction(let meta, let u):
            guard !state.attractions.contains(u.attractionID) else { return FoldResult(state: state) }
            state.attractions.insert(u.attractionID, at: state.attractions.firstIndex { $0 > u.attractionID } ?? state.attractions.count)
            for (i, s) in state.schedules.enumerated() { send(.schedule(s), to: u.attractionID, meta, "s\(i)") }
            for (i, w) in state.weather.enumerated() { send(.weather(w.report, reportedAt: w.reportedAt), to: u.attractionID, meta, "w\(i)") }
        case .schedule(let meta, let s):
            state.schedules.removeAll { $0.date == s.date }
            state.schedules.append(s)
            state.schedules.sort { $0.date < $1.date }
            if state.schedules.count > Self.schedulesKept { state.schedules.removeFirst(state.schedules.count - Self.schedulesKept) }
            for a in state.attractions { send(.schedule(s), to: a, meta, "s") }
        case .weather(let meta, let w):
            let fetched = meta.eventTime
            state.weather.append(.init(report: w, reportedAt: fetched))
            let newest = state.weather.map(\.reportedAt).max() ?? fetched
            state.weather.removeAll { $0.report.hour.microseconds < newest.microseconds - Self.weatherKeptMicroseconds }
            state.weather.sort { ($0.report.hour, $0.reportedAt) < ($1.report.hour, $1.reportedAt) }
            for a in state.attractions { send(.weather(w, reportedAt: fetched), to: a, meta, "w") }
        }
        // The state is the only table: the store writes it once per batch.
        return FoldResult(state: state, derived: derived)
    }
}

