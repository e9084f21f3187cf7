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

    /// A model whose answer depends on the features (the level, the temperature when known, the hour): trees that
    /// send rows different ways, for `horizons`.
    static func model(horizons: [Int], scale: Double) -> WaitForecastModel {
        let names = WaitFeatures.names.map { "\"\($0)\"" }.joined(separator: ",")
        let (level, temperature, hour) = (WaitFeatures.Index.level, WaitFeatures.names.firstIndex(of: "temperature_c")!, WaitFeatures.names.firstIndex(of: "hour_of_day")!)
        let trees = """
            {"tree_structure":{"split_feature":\(level),"threshold":32.5,"decision_type":"<=","default_left":true,"missing_type":"NaN",
              "left_child":{"leaf_value":\(10 * scale)},
              "right_child":{"split_feature":\(temperature),"threshold":20,"decision_type":"<=","default_left":false,"missing_type":"NaN",
                "left_child":{"leaf_value":\(25 * scale)},"right_child":{"leaf_value":\(40 * scale)}}}},
            {"tree_structure":{"split_feature":\(hour),"threshold":10.5,"decision_type":"<=","default_left":true,"missing_type":"None",
              "left_child":{"leaf_value":1.25},"right_child":{"leaf_value":-2.5}}}
            """
        let dump = Array("{\"objective\":\"regression\",\"feature_names\":[\(names)],\"tree_info\":[\(trees)]}".utf8)
        return try! WaitForecastModel(bundle: WaitForecastModel.bundle(Dictionary(uniqueKeysWithValues: horizons.map { ($0, dump) })))
    }

    /// The batch fold scores a batch's rounds together (`ForecastRoundScores`): whatever the batches, the same rows,
    /// events and states as one input at a time, with the chain's fallbacks (a horizon the active model lacks is the
    /// previous one's) and several attractions interleaved.
    @Test func aBatchForecastsWhatItsInputsForecastOneByOne() throws {
        let models = ForecastModels()
        models.replace(with: ForecastChain(
            active: .init(version: 2, model: Self.model(horizons: [15, 30, 60], scale: 1)),
            previous: .init(version: 1, model: Self.model(horizons: [15, 30, 60, 120], scale: 2))))
        let projection = WaitPredictionsProjection(intervalMinutes: 5, models: models)
        var inputs: [(key: String, input: WaitPredictionsProjection.Input)] = []
        func add(_ input: WaitPredictionsProjection.Input) { inputs.append((projection.stateKey(of: input), input)) }
        for attraction in ["a", "b", "c"] {
            let s = ParkScheduleUpdated(
                parkID: "p", date: "2024-05-20", opensAt: Self.day.adding(seconds: 9 * 3600), closesAt: Self.day.adding(seconds: 21 * 3600), timeZone: "UTC")
            add(.context(EventMeta(id: "s\(attraction)", eventTime: Self.day, ingestTime: Self.day), AttractionContextUpdated(attractionID: attraction, context: .schedule(s))))
        }
        for i in 0..<40 {
            let seconds = 9 * 3600 + Int64(i) * 5 * Self.minute
            if i == 12 {
                // Weather from 10:00 on: the temperature splits the rows from then.
                for attraction in ["a", "c"] {
                    let hour = Self.day.adding(seconds: 10 * 3600)
                    add(.context(
                        EventMeta(id: "w\(attraction)", eventTime: hour, ingestTime: hour),
                        AttractionContextUpdated(attractionID: attraction, context: .weather(
                            ParkWeatherHour(parkID: "p", hour: hour, temperatureC: attraction == "a" ? 25 : 15, precipitationMM: 0), reportedAt: hour))))
                }
            }
            for (n, attraction) in ["a", "b", "c"].enumerated() {
                let t = Self.day.adding(seconds: seconds + Int64(n) * 20)
                let wait = 20 + (i * (n + 2) * 7) % 35
                let down = attraction == "b" && (i == 17 || i == 18)
                add(.reading(
                    EventMeta(id: "r\(attraction)\(i)", eventTime: t, ingestTime: t),
                    WaitTimeObserved(parkID: "p", attractionID: attraction, waitMinutes: down ? nil : wait, status: down ? .down : .operating, timeZone: "UTC")))
            }
        }
        var one = Run(projection: projection)
        var oneStates: [String: AttractionForecastState] = [:], oneRows: [WaitPredictionRow] = [], oneDerived: [DerivedEvent] = []
        for (key, input) in inputs {
            one.state = oneStates[key]
            one.apply(input)
            oneStates[key] = one.state
        }
        (oneRows, oneDerived) = (one.rows, one.derived)
        let sources = Set(one.predictions.map(\.source))
        #expect(sources == [.activeModel, .previousModel], "the active model answers 15-60, the previous one 120")
        #expect(Set(one.predictions.filter { $0.source == .activeModel }.map(\.predicted)).count >= 3, "rows take different ways")

        for size in [2, 7, inputs.count] {
            var states: [String: AttractionForecastState] = [:], rows: [WaitPredictionRow] = [], derived: [DerivedEvent] = []
            for start in stride(from: 0, to: inputs.count, by: size) {
                let folded = projection.fold(batch: Array(inputs[start..<min(start + size, inputs.count)]), states: &states)
                rows += folded.rows
                derived += folded.derived
            }
            // The first difference, not two arrays of hundreds, when they differ.
            let row = rows.indices.first { $0 < oneRows.count && rows[$0] != oneRows[$0] }.map { ($0, rows[$0], oneRows[$0]) }
            #expect(rows.count == oneRows.count && row == nil, "batches of \(size): rows differ first at \(String(describing: row))")
            let event = derived.indices.first { $0 < oneDerived.count && derived[$0] != oneDerived[$0] }.map { ($0, derived[$0].id, oneDerived[$0].id) }
            #expect(derived.count == oneDerived.count && event == nil, "batches of \(size): events differ first at \(String(describing: event))")
            #expect(states == oneStates, "batches of \(size)")
        }
    }
}
