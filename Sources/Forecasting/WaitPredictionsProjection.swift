import Events
import Projections

/// Forecasts each attraction's wait 15, 30, 60 and 120 minutes ahead in the stream: on a new operating reading,
/// at most once per `intervalMinutes` per attraction, it computes the features (`WaitFeatures`, as training
/// does: the readings of the last three hours, the attraction's hour-of-week baselines, the park's schedule and
/// weather as known then) and asks the fallback chain (`ForecastModels`), then emits `WaitTimePredicted` per
/// horizon and stores the prediction. When the reading at a prediction's target time arrives, it records the
/// error: once per prediction, in the same transaction as the offsets. Each round also gives the attraction's
/// outlook for the rest of the day (`AttractionOutlook`), re-keyed by park for the park's crowd forecast.
///
/// Keyed by attraction. The park's schedules and weather come re-keyed to the attraction
/// (`parks.attraction-context`, co-partitioned with `parks.wait-times`).
public struct WaitPredictionsProjection: Projection {
    public enum Input: Sendable {
        case reading(EventMeta, WaitTimeObserved)
        case context(EventMeta, AttractionContextUpdated)
    }

    public let name = "parks_wait_predictions"
    public let topics: TopicNames
    public var inputTopics: [String] { [topics[.parksWaitTimes], topics[.parksAttractionContext]] }
    public var batchLingerMs: Int { 10 }
    /// Least minutes between two predictions of an attraction.
    public let intervalMinutes: Int
    public let models: ForecastModels
    private let predictionsTopic: String
    private let outlooksTopic: String

    static let minute: Int64 = 60_000_000
    /// A prediction is scored by the first operating reading from this long before its target time...
    static let earlyTolerance: Int64 = 150_000_000
    /// ...and expires unscored when none came by this long after it.
    static let lateTolerance: Int64 = 5 * minute
    /// Days of schedules kept in the state.
    static let daysKept: Int64 = 3

    public init(topics: TopicNames = .standard, intervalMinutes: Int = 5, models: ForecastModels = .shared) {
        self.topics = topics
        self.intervalMinutes = max(1, intervalMinutes)
        self.models = models
        predictionsTopic = topics[.parksWaitPredictions]
        outlooksTopic = topics[.parksAttractionOutlooks]
    }

    public func decode(_ envelope: EventEnvelope) throws(EventValidationError) -> Input {
        switch envelope.type {
        case AttractionContextUpdated.eventType: .context(EventMeta(envelope), try envelope.decode(AttractionContextUpdated.self))
        default: .reading(EventMeta(envelope), try envelope.decode(WaitTimeObserved.self))
        }
    }

    /// The raw readings' refusals are dead-lettered once, by `parks_wait_times`; the context's are this fold's.
    public func deadLettersRefusals(from topic: String) -> Bool { topic != topics[.parksWaitTimes] }

    public func stateKey(of input: Input) -> String {
        switch input {
        case .reading(_, let o): o.partitionKey
        case .context(_, let c): c.partitionKey
        }
    }

    public func fold(_ previous: consuming AttractionForecastState?, _ input: Input) -> FoldResult<AttractionForecastState, WaitPredictionRow> {
        var slot = consume previous
        var rows: [WaitPredictionRow] = [], derived: [DerivedEvent] = []
        fold(&slot, input, rows: &rows, derived: &derived)
        return FoldResult(state: slot!, rows: rows, derived: derived)
    }

    public func fold(_ slot: inout AttractionForecastState?, _ input: Input, rows: inout [WaitPredictionRow], derived: inout [DerivedEvent]) {
        var scores = ForecastRoundScores(direct: models.chain)
        step(&slot, input, rows: &rows, derived: &derived, scores: &scores)
    }

    /// Folds the batch twice: first on copies of its states, only to find its forecast rounds and score their rows
    /// together (`ForecastRoundScores`), then for real, each round taking its answers. Same outcome as one input at
    /// a time.
    public func fold(
        batch inputs: [(key: String, input: Input)], states: inout [String: AttractionForecastState]
    ) -> FoldedBatch<AttractionForecastState, WaitPredictionRow> {
        let chain = models.chain
        var scores = ForecastRoundScores(direct: chain)
        if chain.active != nil, inputs.count > 1 {
            scores = ForecastRoundScores(recording: chain)
            var copies: [String: AttractionForecastState?] = [:]
            var rows: [WaitPredictionRow] = [], derived: [DerivedEvent] = []
            inputs.withUnsafeBufferPointer { inputs in
                for i in inputs.indices {
                    let key = inputs[i].key
                    if copies[key] == nil { copies[key] = .some(states[key]) }
                    step(&copies[key]!, inputs[i].input, rows: &rows, derived: &derived, scores: &scores)
                }
            }
            scores.score()
        }
        return foldInOrder(batch: inputs, states: &states) { step(&$0, $1, rows: &$2, derived: &$3, scores: &scores) }
    }

    private func step(
        _ slot: inout AttractionForecastState?, _ input: Input, rows: inout [WaitPredictionRow], derived: inout [DerivedEvent],
        scores: inout ForecastRoundScores
    ) {
        switch input {
        case .context(_, let c):
            var state = slot.take() ?? AttractionForecastState(parkID: c.parkID, attractionID: c.attractionID)
            apply(c.context, to: &state)
            slot = consume state
        case .reading(let meta, let o):
            var state = slot.take() ?? AttractionForecastState(parkID: o.parkID, attractionID: o.attractionID)
            read(o, meta, &state, rows: &rows, derived: &derived, scores: &scores)
            slot = consume state
        }
    }

    private func apply(_ context: AttractionContextUpdated.Context, to state: inout AttractionForecastState) {
        switch context {
        case .schedule(let s):
            if let zone = s.timeZone { state.calendar.timeZone = zone }
            state.calendar.add(date: s.date, opens: s.opensAt, closes: s.closesAt)
            if let newest = state.calendar.hours.keys.max() {
                state.calendar.hours = state.calendar.hours.filter { $0.key > newest - Self.daysKept }
            }
        case .weather(let report, let reportedAt):
            state.weather.add(
                hourStart: report.hour.microseconds, reportedAt: reportedAt.microseconds,
                .init(temperatureC: report.temperatureC, precipitationMM: report.precipitationMM))
            state.weather.forget(before: reportedAt.microseconds - WaitFeatures.historyWindow)
        }
    }

    private func read(
        _ o: WaitTimeObserved, _ meta: EventMeta, _ state: inout AttractionForecastState, rows: inout [WaitPredictionRow],
        derived: inout [DerivedEvent], scores: inout ForecastRoundScores
    ) {
        let time = meta.eventTime.microseconds
        if let zone = o.timeZone, state.calendar.timeZone == nil { state.calendar.timeZone = zone }
        let moment = state.calendar.moment(at: time)
        // Not a wait: outside the park's hours (zeros re-stamped overnight), or a closed ride. A repeat: nothing new.
        guard state.calendar.isWithinHours(moment, time: time), o.status == .operating || o.status == .down,
              !state.points.contains(where: { $0.time == time }) else { return }
        let wait = o.status.isOpen ? o.waitMinutes : nil
        if let wait { _ = state.baselines.add(min(wait, Int(WaitTimeObserved.maxWaitMinutes)), slot: moment.hourOfWeek) }
        let point = WaitFeatures.Point(time: time, wait: o.waitMinutes, operating: o.status.isOpen, slot: moment.hourOfWeek)
        var index = state.points.count
        while index > 0, state.points[index - 1].time > time { index -= 1 }
        state.points.insert(point, at: index)
        let newest = state.points.last!.time
        state.points.removeAll { $0.time <= newest - WaitFeatures.historyWindow }

        // Score what this reading was forecast by; drop what no reading came for.
        if let wait {
            state.pending.removeAll { p in
                guard time >= p.targetTime - Self.earlyTolerance, time <= p.targetTime + Self.lateTolerance else { return false }
                rows.append(.error(parkID: o.parkID, attractionID: o.attractionID, p, actual: wait, observedAt: time))
                return true
            }
        }
        state.pending.removeAll { $0.targetTime + Self.lateTolerance < newest }

        // Predict from the newest operating reading, at most once per interval.
        guard wait != nil, time == newest,
              state.lastPredictedAt.map({ time - $0 >= Int64(intervalMinutes) * Self.minute }) ?? true else { return }
        state.lastPredictedAt = time
        let now = state.weather.weather(at: time, asOf: time)
        let ahead = (1...2).map { state.weather.weather(at: time + Int64($0) * WeatherHours.hour, asOf: time)?.precipitationMM }
        let context = WaitFeatures.Context(
            hourOfWeek: moment.hourOfWeek, minute: moment.minute,
            minutesSinceOpen: moment.hours.map { Double(time - $0.opens) / Double(Self.minute) },
            minutesToClose: moment.hours.map { Double($0.closes - time) / Double(Self.minute) },
            temperatureC: now?.temperatureC, precipitationMM: now?.precipitationMM, precipitationAheadMM: ahead)
        var round: [(horizon: Int, minutes: Double)] = []
        for horizon in WaitFeatures.horizons {
            let row = WaitFeatures.row(history: state.points[...], baselines: state.baselines, context: context, horizonMinutes: horizon)
            // Recording only the rows: what the forecasts would change (pending predictions, rows, events) is
            // this pass's to throw away, and nothing else depends on them.
            guard let forecast = scores.forecast(row, horizon: horizon) else { continue }
            let minutes = min(Double(WaitTimeObserved.maxWaitMinutes), max(0, forecast.minutes))
            let prediction = AttractionForecastState.PendingPrediction(
                madeAt: time, horizon: horizon, targetTime: time + Int64(horizon) * Self.minute, predicted: minutes,
                source: forecast.source, modelVersion: forecast.modelVersion)
            state.pending.append(prediction)
            round.append((horizon, minutes))
            rows.append(.prediction(parkID: o.parkID, attractionID: o.attractionID, prediction))
            let event = WaitTimePredicted(
                parkID: o.parkID, attractionID: o.attractionID, horizonMinutes: horizon,
                targetTime: Timestamp(microseconds: prediction.targetTime), predictedMinutes: minutes, modelVersion: forecast.modelVersion,
                source: forecast.source.rawValue)
            derived.append(
                DerivedEvent(
                    topic: predictionsTopic, payload: event, id: EventID.derived(name, meta.id, String(horizon)), source: name,
                    eventTime: meta.eventTime, ingestTime: meta.ingestTime))
        }
        guard let wait, !round.isEmpty else { return }
        let outlook = AttractionOutlookUpdated(
            parkID: o.parkID, attractionID: o.attractionID, madeAt: meta.eventTime,
            hours: AttractionOutlook.hours(
                now: time, context: context, wait: wait, closes: moment.hours?.closes, forecasts: round, baselines: state.baselines))
        derived.append(
            DerivedEvent(
                topic: outlooksTopic, payload: outlook, id: EventID.derived(name, meta.id, "outlook"), source: name,
                eventTime: meta.eventTime, ingestTime: meta.ingestTime))
    }
}
