import Events
import Projections

/// Folds the attractions' outlooks (`parks.attraction-outlooks`, keyed by park) into each park's crowd level
/// forecast for the rest of its day: for each coming hour, the predicted mean wait over the usual mean wait of the
/// attractions whose outlook covers it, named by `CrowdLevel` as the live crowd level is.
///
/// Every outlook gives a new forecast (a row: the hours from the next one on, with the newest outlook's time).
/// An outlook older than `staleAfter` than the park's newest no longer counts (its attraction stopped predicting:
/// down, closed). `CrowdForecastUpdated` is emitted when the hours or their levels change.
public struct CrowdForecastProjection: Projection {
    public typealias Input = (meta: EventMeta, outlook: AttractionOutlookUpdated)

    public let name = "parks_crowd_forecast"
    public let topics: TopicNames
    public var inputTopics: [String] { [topics[.parksAttractionOutlooks]] }
    public var batchLingerMs: Int { 10 }
    private let forecastsTopic: String

    /// How long an attraction's outlook counts after the park's newest one.
    public static let staleAfter: Int64 = 60 * 60_000_000

    public init(topics: TopicNames = .standard) {
        self.topics = topics
        forecastsTopic = topics[.parksCrowdForecasts]
    }

    public func decode(_ envelope: EventEnvelope) throws(EventValidationError) -> Input {
        (EventMeta(envelope), try envelope.decode(AttractionOutlookUpdated.self))
    }

    public func stateKey(of input: Input) -> String { input.outlook.partitionKey }

    public func fold(_ previous: consuming ParkCrowdForecastState?, _ input: Input) -> FoldResult<ParkCrowdForecastState, CrowdForecastUpdated> {
        var state = (consume previous) ?? ParkCrowdForecastState(parkID: input.outlook.parkID)
        let outlook = input.outlook
        // An older or repeated outlook (a relay re-sending after a crash) never moves the forecast back.
        if let known = state.outlooks[outlook.attractionID], known.madeAt >= outlook.madeAt { return FoldResult(state: state) }
        state.outlooks[outlook.attractionID] = outlook
        let newest = state.outlooks.values.map(\.madeAt).max()!
        state.outlooks = state.outlooks.filter { $0.value.madeAt.microseconds > newest.microseconds - Self.staleAfter }
        let forecast = CrowdForecastUpdated(parkID: state.parkID, madeAt: newest, hours: Self.hours(of: state.outlooks, after: newest))
        state.current = forecast

        var derived: [DerivedEvent] = []
        if !Self.sameLevels(forecast, state.published) {
            derived.append(
                DerivedEvent(
                    topic: forecastsTopic, payload: forecast, id: EventID.derived(name, input.meta.id), source: name,
                    eventTime: newest, ingestTime: input.meta.ingestTime))
            state.published = forecast
        }
        return FoldResult(state: state, rows: [forecast], derived: derived)
    }

    /// The forecast of each hour starting after `time`, over the outlooks that cover it. Summed in attraction
    /// order, so that a rebuild gives the very same doubles.
    static func hours(of outlooks: [String: AttractionOutlookUpdated], after time: Timestamp) -> [CrowdForecastUpdated.Hour] {
        var sums: [Timestamp: (predicted: Double, baseline: Int, count: Int)] = [:]
        for (_, o) in outlooks.sorted(by: { $0.key < $1.key }) {
            for h in o.hours where h.start > time {
                let s = sums[h.start] ?? (0, 0, 0)
                sums[h.start] = (s.predicted + h.predictedMinutes, s.baseline + h.baselineP50, s.count + 1)
            }
        }
        return sums.sorted { $0.key < $1.key }.compactMap { start, s in
            // Attractions that are usually walk-ons say nothing about how busy the park is.
            guard s.baseline > 0 else { return nil }
            let ratio = s.predicted / Double(s.baseline)
            return .init(
                start: start, level: CrowdLevel(ratio: ratio), ratio: ratio, meanPredictedMinutes: s.predicted / Double(s.count),
                attractions: s.count)
        }
    }

    static func sameLevels(_ a: CrowdForecastUpdated, _ b: CrowdForecastUpdated?) -> Bool {
        guard let b else { return false }
        return a.hours.map(\.start) == b.hours.map(\.start) && a.hours.map(\.level) == b.hours.map(\.level)
    }
}
