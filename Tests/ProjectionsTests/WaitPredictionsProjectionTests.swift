import Events
import Forecasting
import Projections
import Testing

/// The wait-forecast fold, without I/O: features from the context it was sent and the readings it saw,
/// predictions at most once per interval through the fallback chain, each scored once by the reading at its
/// target time, readings outside the hours ignored, and its state kept whole through its JSON.
@Suite struct WaitPredictionsProjectionTests {
    static let day = Timestamp(iso8601: "2024-05-20T00:00:00Z")!
    static let minute: Int64 = 60

    static func schedule() -> WaitPredictionsProjection.Input {
        let s = ParkScheduleUpdated(
            parkID: "p", date: "2024-05-20", opensAt: day.adding(seconds: 9 * 3600), closesAt: day.adding(seconds: 21 * 3600), timeZone: "UTC")
        return .context(EventMeta(id: "ctx", eventTime: day, ingestTime: day), AttractionContextUpdated(attractionID: "a", context: .schedule(s)))
    }

    static func reading(at seconds: Int64, wait: Int?, status: AttractionStatus = .operating) -> WaitPredictionsProjection.Input {
        let t = day.adding(seconds: seconds)
        return .reading(
            EventMeta(id: "r\(seconds)", eventTime: t, ingestTime: t),
            WaitTimeObserved(parkID: "p", attractionID: "a", waitMinutes: wait, status: status, timeZone: "UTC"))
    }

    struct Run {
        var projection: WaitPredictionsProjection
        var state: AttractionForecastState?
        var rows: [WaitPredictionRow] = []
        var derived: [DerivedEvent] = []

        mutating func apply(_ input: WaitPredictionsProjection.Input) {
            projection.fold(&state, input, rows: &rows, derived: &derived)
        }

        var predictions: [AttractionForecastState.PendingPrediction] {
            rows.compactMap { if case .prediction(_, _, let p) = $0 { p } else { nil } }
        }
        var errors: [(AttractionForecastState.PendingPrediction, Int)] {
            rows.compactMap { if case .error(_, _, let p, let actual, _) = $0 { (p, actual) } else { nil } }
        }
    }

    @Test func predictsAtMostOncePerIntervalAndScoresEachPredictionOnce() throws {
        var run = Run(projection: WaitPredictionsProjection(intervalMinutes: 15, models: ForecastModels()))
        run.apply(Self.schedule())
        // Overnight: an OPERATING 0 re-stamped at 03:00 is not a wait.
        run.apply(Self.reading(at: 3 * 3600, wait: 0))
        #expect(run.state?.points.isEmpty == true && run.rows.isEmpty)
        // From 09:00, every 5 minutes, waits 20, 25, 30, …
        for i in 0..<30 { run.apply(Self.reading(at: 9 * 3600 + Int64(i) * 5 * Self.minute, wait: 20 + 5 * i)) }
        // Rounds at 09:00, 09:15, …, 11:15: ten rounds of four horizons, by persistence (no model is served).
        #expect(run.predictions.count == 10 * 4)
        #expect(run.predictions.allSatisfy { $0.source == .persistence && $0.modelVersion == nil })
        #expect(run.predictions.prefix(4).map(\.horizon) == WaitFeatures.horizons && run.predictions[0].predicted == 20)
        let predicted = run.derived.filter { $0.payload is WaitTimePredicted }
        #expect(predicted.count == 40 && Set(predicted.map(\.id)).count == 40)
        // Each round also gives the attraction's outlook for the rest of the day, re-keyed by park.
        let outlooks = run.derived.filter { $0.payload is AttractionOutlookUpdated }
        #expect(outlooks.count == 10 && Set(run.derived.map(\.id)).count == 50)
        #expect(outlooks.allSatisfy { $0.topic == TopicNames.standard[.parksAttractionOutlooks] && $0.key == "p" })
        let event = try #require(run.derived.first?.payload as? WaitTimePredicted)
        #expect(event.horizonMinutes == 15 && event.targetTime == Self.day.adding(seconds: 9 * 3600 + 15 * Self.minute) && event.source == "persistence")
        // Each prediction whose target time came (up to 11:25) is scored exactly once, against the reading then.
        let scored = run.errors
        #expect(Set(scored.map { "\($0.0.madeAt)/\($0.0.horizon)" }).count == scored.count)
        let nineFifteen = try #require(scored.first { $0.0.madeAt == Self.day.adding(seconds: 9 * 3600).microseconds && $0.0.horizon == 15 })
        #expect(nineFifteen.1 == 35, "09:15's reading: 20 + 5 × 3")
        let due = run.predictions.filter { $0.targetTime <= Self.day.adding(seconds: 9 * 3600 + 145 * Self.minute).microseconds }
        #expect(scored.count == due.count)
        #expect(run.state?.pending.count == run.predictions.count - scored.count)
    }

    @Test func theActiveModelAnswersAndAModelSwapTakesEffectAtTheNextRound() throws {
        let models = ForecastModels()
        var run = Run(projection: WaitPredictionsProjection(intervalMinutes: 5, models: models))
        run.apply(Self.schedule())
        run.apply(Self.reading(at: 9 * 3600, wait: 30))
        #expect(run.predictions.last?.source == .persistence)
        models.replace(with: ForecastChain(active: .init(version: 4, model: ForecastChainTests.model(leaf: 44))))
        run.apply(Self.reading(at: 9 * 3600 + 5 * Self.minute, wait: 30))
        #expect(run.predictions.suffix(4).allSatisfy { $0.source == .activeModel && $0.modelVersion == 4 && $0.predicted == 44 })
        // A down ride gives no prediction (no wait to start from), but its stop counts in the features after.
        run.apply(Self.reading(at: 9 * 3600 + 10 * Self.minute, wait: nil, status: .down))
        #expect(run.predictions.count == 8)
    }

    @Test func theStateRoundTripsThroughItsJSON() throws {
        var run = Run(projection: WaitPredictionsProjection(intervalMinutes: 5, models: ForecastModels()))
        run.apply(Self.schedule())
        run.apply(.context(
            EventMeta(id: "w", eventTime: Self.day.adding(seconds: 9 * 3600), ingestTime: Self.day),
            AttractionContextUpdated(attractionID: "a", context: .weather(
                ParkWeatherHour(parkID: "p", hour: Self.day.adding(seconds: 9 * 3600), temperatureC: 21, precipitationMM: 0.5),
                reportedAt: Self.day.adding(seconds: 9 * 3600)))))
        for i in 0..<8 { run.apply(Self.reading(at: 9 * 3600 + Int64(i) * 5 * Self.minute, wait: i == 3 ? nil : 30, status: i == 3 ? .down : .operating)) }
        let state = try #require(run.state)
        #expect(!state.pending.isEmpty && state.baselines[9] != nil && state.weather.weather(at: Self.day.adding(seconds: 9 * 3600).microseconds, asOf: .max) != nil)
        var json = JSONWriter()
        state.encode(to: &json)
        #expect(try AttractionForecastState(parkID: "p", attractionID: "a", json: try JSONParser.parse(json.bytes)) == state)
    }
}
