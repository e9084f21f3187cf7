import Events
import Forecasting
import Projections
import Testing

/// From a stored history to training rows, without I/O: readings outside the schedule (zeros re-stamped
/// overnight) and CLOSED rides are not waits, the time split keeps every target on its side, the baselines come
/// from the training days only, and the park's calendar gives local slots and hours.
@Suite struct WaitTrainingSetTests {
    static let minute: Int64 = 60_000_000
    static let hour = 60 * minute
    static let day = 24 * hour
    /// 2024-05-20T00:00:00Z, a Monday.
    static let monday: Int64 = 1_716_163_200_000_000

    /// A park in UTC open 09:00–21:00 every day.
    static func calendar(days: Int) -> ParkCalendar {
        var c = ParkCalendar(timeZone: "UTC")
        for d in 0..<days {
            let midnight = monday + Int64(d) * day
            let date = Timestamp(microseconds: midnight).iso8601.prefix(10)
            c.add(date: String(date), opens: Timestamp(microseconds: midnight + 9 * hour), closes: Timestamp(microseconds: midnight + 21 * hour))
        }
        return c
    }

    /// Every 5 minutes over `days` days: open-hour waits of `wait(day, minuteOfDay)`, OPERATING 0 re-stamped
    /// every hour overnight, CLOSED 0 at closing.
    static func history(days: Int, wait: (Int, Int) -> Int = { _, m in 10 + m / 60 }) -> [WaitTrainingSet.Observation] {
        var out: [WaitTrainingSet.Observation] = []
        for d in 0..<days {
            for m in stride(from: 0, to: 24 * 60, by: 5) {
                let t = monday + Int64(d) * day + Int64(m) * minute
                if m >= 9 * 60, m < 21 * 60 {
                    out.append(.init(time: t, wait: wait(d, m), status: .operating))
                } else if m == 21 * 60 {
                    out.append(.init(time: t, wait: 0, status: .closed))
                } else if m % 60 == 0 {
                    out.append(.init(time: t, wait: 0, status: .operating))
                }
            }
        }
        return out
    }

    @Test func readingsOutsideTheHoursAndClosedRidesAreNotWaits() {
        let set = WaitTrainingSet(calendar: Self.calendar(days: 2), split: Self.monday + 2 * Self.day)
        var observations = Self.history(days: 2)
        // A ride shut for the day inside the hours, and a repeated time.
        observations.append(.init(time: Self.monday + 10 * Self.hour + Self.minute, wait: 0, status: .closed))
        observations.append(.init(time: Self.monday + 10 * Self.hour, wait: 99, status: .operating))
        let points = set.points(observations)
        #expect(points.count == 2 * 144, "12 open hours × 12 readings a day; zeros overnight, CLOSED and the repeat dropped")
        #expect(points.allSatisfy { $0.operating && $0.wait != 0 })
        #expect(points.first?.slot == 9 && points.last?.slot == 24 + 20, "Monday 09:00 … Tuesday 20:55")
        // Without a schedule a day's readings all count (nothing says when the park is open).
        let unscheduled = WaitTrainingSet(calendar: ParkCalendar(timeZone: "UTC"), split: Self.monday + 2 * Self.day)
        #expect(unscheduled.points(Self.history(days: 1)).count > 144)
    }

    @Test func theSplitKeepsEveryTargetOnItsSideAndBaselinesFromTrainingOnly() {
        // Eight days, the last (a Monday, like the first) held out; its waits are 200: a baseline that saw them would move.
        let split = Self.monday + 7 * Self.day, validation = Self.monday + 6 * Self.day
        let observations = Self.history(days: 8) { d, m in d == 7 ? 200 : 10 + m / 60 }
        let set = WaitTrainingSet(calendar: Self.calendar(days: 8), split: split, validationFrom: validation, stride: 1)
        var parts: [WaitTrainingSet.Part: Int] = [:]
        set.rows(observations) { row in
            parts[row.part, default: 0] += 1
            #expect(row.features.count == WaitFeatures.names.count)
            if row.part == .holdout {
                #expect(row.target == 200)
                // The baseline of the target's hour is the training days' (the first Monday's), not the held-out day's;
                // a target at 21:00 falls in an hour training never saw open: unknown, NaN.
                #expect(!(row.features[WaitFeatures.Index.targetP50] >= 100))
                #expect(row.features[WaitFeatures.Index.dayRatio] > 5, "the held-out day is far busier than its baselines")
            } else {
                #expect(row.target < 100, "a training or validation row's target never comes from the holdout")
            }
        }
        #expect(parts[.train, default: 0] > 0 && parts[.validation, default: 0] > 0 && parts[.holdout, default: 0] > 0)
        // Every reading of the held-out day (09:00–20:55) with a reading within 5 minutes of its target, per horizon.
        let heldOut = WaitFeatures.horizons.map { h in 145 - h / 5 }.reduce(0, +)
        #expect(parts[.holdout] == heldOut)
    }

    @Test func strideThinsTheMoments() {
        let observations = Self.history(days: 3)
        var all = 0, thinned = 0
        WaitTrainingSet(calendar: Self.calendar(days: 3), split: Self.monday + 2 * Self.day, stride: 1).rows(observations) { _ in all += 1 }
        WaitTrainingSet(calendar: Self.calendar(days: 3), split: Self.monday + 2 * Self.day, stride: 3).rows(observations) { _ in thinned += 1 }
        #expect(thinned > 0 && abs(thinned * 3 - all) <= 3 * WaitFeatures.horizons.count * 3)
    }

    @Test func theCalendarGivesLocalSlotsAndHours() {
        var paris = ParkCalendar(timeZone: "Europe/Paris")
        // 2024-05-20 in Paris (UTC+2): open 09:00–21:00 local = 07:00–19:00 UTC.
        paris.add(date: "2024-05-20", opens: Timestamp(microseconds: Self.monday + 7 * Self.hour),
                  closes: Timestamp(microseconds: Self.monday + 19 * Self.hour))
        let m = paris.moment(at: Self.monday + 7 * Self.hour + 30 * Self.minute)
        #expect(m.hourOfWeek == 9 && m.minute == 30 && m.hours?.opens == Self.monday + 7 * Self.hour)
        #expect(paris.isWithinHours(m, time: Self.monday + 7 * Self.hour + 30 * Self.minute))
        #expect(!paris.isWithinHours(paris.moment(at: Self.monday + 20 * Self.hour), time: Self.monday + 20 * Self.hour))
        // 23:30 UTC on Sunday 2024-05-19 is Monday 01:30 in Paris: Monday's slot 1, a day without a schedule.
        let late = paris.moment(at: Self.monday - 30 * Self.minute)
        #expect(late.hourOfWeek == 1 && late.hours != nil, "Monday's schedule, found by the local date")
    }

    @Test func weatherIsReadAsItWasKnownAtTheMoment() {
        var weather = WeatherHours()
        let ten = Self.monday + 10 * Self.hour, eleven = ten + Self.hour
        // At 09:00 the forecast for 11:00 said dry; at 10:00 it said rain; 11:00 observed heavier rain.
        weather.add(hourStart: eleven, reportedAt: ten - Self.hour, .init(temperatureC: 20, precipitationMM: 0))
        weather.add(hourStart: ten, reportedAt: ten, .init(temperatureC: 21, precipitationMM: 0.4))
        weather.add(hourStart: eleven, reportedAt: eleven, .init(temperatureC: 19, precipitationMM: 3))
        weather.add(hourStart: eleven, reportedAt: ten, .init(temperatureC: 20, precipitationMM: 1.5))
        #expect(weather.weather(at: ten + 59 * Self.minute, asOf: ten)?.temperatureC == 21)
        #expect(weather.weather(at: eleven, asOf: ten - Self.hour)?.precipitationMM == 0)
        #expect(weather.weather(at: eleven + Self.minute, asOf: ten + 30 * Self.minute)?.precipitationMM == 1.5)
        #expect(weather.weather(at: eleven, asOf: eleven + Self.minute)?.precipitationMM == 3)
        #expect(weather.weather(at: ten, asOf: ten - 1) == nil, "nothing was known of 10:00 before 10:00")

        let set = WaitTrainingSet(calendar: Self.calendar(days: 2), weather: weather, split: Self.monday + 2 * Self.day, stride: 1)
        var seen: [Int64: [Double]] = [:]
        set.rows(Self.history(days: 2)) { row in
            let hourOfDay = row.features[WaitFeatures.Index.hourOfDay]
            // 10:30 on Monday, 60 minutes ahead: the target hour is 11:00, forecast 1.5 mm at 10:00.
            if row.features[WaitFeatures.Index.weekday] == 0, hourOfDay == 10.5, WaitFeatures.horizons[row.horizon] == 60 {
                seen[60, default: []].append(row.features[WaitFeatures.Index.precipitationTarget])
                seen[0, default: []].append(row.features[WaitFeatures.Index.precipitation])
            }
        }
        #expect(seen[60] == [1.5] && seen[0] == [0.4])
    }

    @Test func aTargetsPrecipitationIsThatOfItsHour() {
        let c = WaitFeatures.Context(hourOfWeek: 10, minute: 50, precipitationMM: 0.2, precipitationAheadMM: [1, 2])
        #expect(c.precipitation(after: 5) == 0.2 && c.precipitation(after: 15) == 1 && c.precipitation(after: 70) == 2)
        #expect(c.precipitation(after: 130) == nil, "beyond the forecasts known")
    }
}

/// The registry's rules and formats, without a database: a worse model is refused, metrics and bundles round-trip,
/// a model of other features or a corrupt one is refused with the reason.
@Suite struct ModelRegistryRulesTests {
    static func evaluation(_ maes: [Double], incumbent: [Double]? = nil) -> WaitModelEvaluation {
        WaitModelEvaluation(
            horizons: zip(WaitFeatures.horizons, maes).enumerated().map { i, pair in
                .init(minutes: pair.0, rows: 100, model: .init(mae: pair.1, p90: pair.1 * 2), persistence: .init(mae: 5, p90: 10),
                      seasonalNaive: .init(mae: 9, p90: 20), incumbent: incumbent.map { .init(mae: $0[i], p90: $0[i] * 2) })
            }, incumbentVersion: incumbent == nil ? nil : 3)
    }

    @Test func aWorseModelIsRefusedABetterOneActivated() {
        let better = Self.evaluation([2, 3, 4, 5]), worse = Self.evaluation([3, 4, 5, 6])
        #expect(ModelActivationRule.decide(candidate: better, active: nil, activeVersion: nil) == .activate)
        #expect(ModelActivationRule.decide(candidate: better, active: worse, activeVersion: 3) == .activate)
        guard case .refuse(let reason) = ModelActivationRule.decide(candidate: worse, active: better, activeVersion: 3) else {
            Issue.record("a worse model was activated")
            return
        }
        #expect(reason.contains("4.5") && reason.contains("3.5") && reason.contains("model 3"))
        #expect(ModelActivationRule.decide(candidate: better, active: better, activeVersion: 3) != .activate, "a tie does not replace")
        // Scored at training against the incumbent on the same rows.
        #expect(ModelActivationRule.decide(trained: Self.evaluation([2, 3, 4, 5], incumbent: [3, 3, 4, 6])) == .activate)
        #expect(ModelActivationRule.decide(trained: Self.evaluation([2, 3, 4, 5], incumbent: [1, 3, 4, 5])) != .activate)
        #expect(ModelActivationRule.decide(candidate: WaitModelEvaluation(horizons: []), active: nil, activeVersion: nil) != .activate)
    }

    @Test func metricsRoundTripAndNameTheBetterBaseline() throws {
        let e = Self.evaluation([2, 3, 4, 5], incumbent: [3, 3, 4, 6])
        let back = try WaitModelEvaluation(json: e.json)
        #expect(back == e)
        #expect(back[60]?.betterBaseline == .persistence && back[60]?.ratioToBetterBaseline == 0.8)
        #expect(back[60]?.beatsBothBaselines == true && back[120]?.beatsBothBaselines == false)
        #expect(throws: ModelFormatError.self) { try WaitModelEvaluation(json: Array("{\"horizons\":[{\"minutes\":15}]}".utf8)) }
    }

    /// A one-tree dump over `names` whose root splits on the level.
    static func dump(names: [String] = WaitFeatures.names, leaf: Double = 7) -> [UInt8] {
        let features = names.map { "\"\($0)\"" }.joined(separator: ",")
        return Array("""
            {"objective":"regression_l1","feature_names":[\(features)],"tree_info":[{"tree_structure":{
            "split_feature":\(WaitFeatures.Index.level),"threshold":20,"decision_type":"<=","default_left":true,"missing_type":"NaN",
            "left_child":{"leaf_value":\(leaf)},"right_child":{"leaf_value":-50}}}]}
            """.utf8)
    }

    @Test func bundlesRoundTripAndRefuseOtherFeaturesOrCorruptBytes() throws {
        let bundle = WaitForecastModel.bundle([60: Self.dump(leaf: 12), 15: Self.dump()])
        let model = try WaitForecastModel(bundle: bundle)
        var row = [Double](repeating: .nan, count: WaitFeatures.names.count)
        row[WaitFeatures.Index.level] = 10
        #expect(model.predict(row, horizon: 60) == 12 && model.predict(row, horizon: 15) == 7 && model.predict(row, horizon: 30) == nil)
        row[WaitFeatures.Index.level] = 30
        #expect(model.predict(row, horizon: 15) == 0, "a wait is never negative")

        let other = WaitForecastModel.bundle([15: Self.dump(names: WaitFeatures.names.dropLast() + ["humidity"])])
        #expect(throws: ModelFormatError.self) { try WaitForecastModel(bundle: other) }
        #expect(throws: ModelFormatError.self) { try WaitForecastModel(bundle: Array(bundle.prefix(bundle.count / 2))) }
        #expect(throws: ModelFormatError.self) { try WaitForecastModel(bundle: Array("{\"soon\":{}}".utf8)) }
        #expect(throws: ModelFormatError.self) { try WaitForecastModel(bundle: Array("[]".utf8)) }
    }
}

/// The weather fold, without I/O: every report is a row; the park's weather now is the newest observation
/// (a report fetched within its hour), never moved back by a late or a forecast report.
@Suite struct WeatherProjectionTests {
    static let t0 = Timestamp(iso8601: "2024-05-20T10:00:00Z")!

    static func input(hour: Int64, fetchedAt: Int64, rain: Double) -> WeatherProjection.Input {
        let report = ParkWeatherHour(parkID: "p", hour: t0.adding(seconds: hour), temperatureC: 20, precipitationMM: rain)
        return (EventMeta(id: "e\(hour)-\(fetchedAt)", eventTime: t0.adding(seconds: fetchedAt), ingestTime: t0), report)
    }

    @Test func theCurrentWeatherIsTheNewestObservation() {
        let fold = WeatherProjection()
        var state: ParkWeatherState?
        var rows: [WeatherReportRow] = []
        for (hour, fetched, rain) in [
            (Int64(0), Int64(60), 0.0),      // 10:00 observed at 10:01
            (3_600, 60, 1.0),                // 11:00 forecast at 10:01: a row, not the current weather
            (3_600, 3_660, 2.0),             // 11:00 observed at 11:01
            (0, 3_700, 9.0),                 // a late report of 10:00, fetched at 11:01: older hour, ignored for now
        ] {
            let result = fold.fold(state, Self.input(hour: hour, fetchedAt: fetched, rain: rain))
            state = result.state
            rows += result.rows
        }
        #expect(rows.count == 4 && rows.map(\.reportedAt.microseconds) == [60, 60, 3_660, 3_700].map { Self.t0.adding(seconds: $0).microseconds })
        #expect(state?.hour == Self.t0.adding(seconds: 3_600) && state?.precipitationMM == 2 && state?.reports == 4)
        #expect(fold.stateKey(of: Self.input(hour: 0, fetchedAt: 0, rain: 0)) == "p")
    }
}

/// The serving fallback chain, without I/O: active model, previous model, the better baseline of the horizon,
/// the other; a missing model, a missing horizon or an unusable output passes to the next link, and the answer
/// says which link gave it.
@Suite struct ForecastChainTests {
    static func model(leaf: Double, horizons: [Int] = WaitFeatures.horizons) -> WaitForecastModel {
        // A bundle of one-leaf boosters: every row predicts `leaf`.
        let names = WaitFeatures.names.map { "\"\($0)\"" }.joined(separator: ",")
        let dump = Array("{\"objective\":\"regression\",\"feature_names\":[\(names)],\"tree_info\":[{\"tree_structure\":{\"leaf_value\":\(leaf)}}]}".utf8)
        return try! WaitForecastModel(bundle: WaitForecastModel.bundle(Dictionary(uniqueKeysWithValues: horizons.map { ($0, dump) })))
    }

    static func row(level: Double?, targetP50: Double?) -> [Double] {
        var row = [Double](repeating: .nan, count: WaitFeatures.names.count)
        row[WaitFeatures.Index.level] = level ?? .nan
        row[WaitFeatures.Index.targetP50] = targetP50 ?? .nan
        return row
    }

    @Test func eachLinkAnswersWhenTheOnesBeforeCannot() {
        let row = Self.row(level: 30, targetP50: 45)
        let active = ForecastChain.Model(version: 7, model: Self.model(leaf: 20, horizons: [15, 30]), betterBaseline: [60: .seasonalNaive, 120: .persistence])
        let previous = ForecastChain.Model(version: 6, model: Self.model(leaf: 25, horizons: [15, 30, 60]))
        let chain = ForecastChain(active: active, previous: previous)
        #expect(chain.forecast(row, horizon: 15) == .init(minutes: 20, source: .activeModel, modelVersion: 7))
        #expect(chain.forecast(row, horizon: 60) == .init(minutes: 25, source: .previousModel, modelVersion: 6), "the active model has no 60")
        #expect(chain.forecast(row, horizon: 120) == .init(minutes: 30, source: .persistence, modelVersion: nil))
        // No model for the horizon (none trained, or the active one's bytes could not be read): the better baseline.
        let baselinesOnly = ForecastChain(active: nil, previous: ForecastChain.Model(version: 6, model: Self.model(leaf: 1, horizons: [15]), betterBaseline: [60: .seasonalNaive]))
        #expect(baselinesOnly.forecast(row, horizon: 60)?.source == .seasonalNaive)
        #expect(baselinesOnly.forecast(row, horizon: 60)?.minutes == 45)
        #expect(ForecastChain().forecast(row, horizon: 60)?.source == .persistence, "persistence first when nothing was measured")
        // A baseline without its input passes to the other; with neither, no forecast.
        #expect(ForecastChain().forecast(Self.row(level: nil, targetP50: 45), horizon: 60)?.source == .seasonalNaive)
        #expect(ForecastChain().forecast(Self.row(level: nil, targetP50: nil), horizon: 60) == nil)
        // A model whose output is not finite passes too.
        let infinite = BoostedTreesModel(
            featureNames: WaitFeatures.names, trees: [DecisionTree(nodes: [], leaves: [.infinity])], objective: .identity)
        let broken = ForecastChain(active: .init(version: 8, model: WaitForecastModel(boosters: [15: infinite])))
        #expect(broken.forecast(row, horizon: 15)?.source == .persistence)
    }

    @Test func aPredictionEventNamesItsSourceAndIsValidated() throws {
        let e = WaitTimePredicted(
            parkID: "p", attractionID: "a", horizonMinutes: 60, targetTime: Timestamp(iso8601: "2024-05-20T11:00:00Z")!,
            predictedMinutes: 42.5, modelVersion: 3, source: ForecastSource.activeModel.rawValue)
        let envelope = EventEnvelope(e, id: "x", source: "t", eventTime: Timestamp(iso8601: "2024-05-20T10:00:00Z")!, ingestTime: .now())
        let back = try EventEnvelope.decode(envelope.encoded()).decode(WaitTimePredicted.self)
        #expect(back == e && back.partitionKey == "p/a")
        #expect(Set(WaitTimePredicted.sources) == Set(ForecastSource.allCases.map(\.rawValue)))
    }
}

/// The context fold, without I/O: a park's schedules and weather reach every attraction it has seen, an
/// attraction seen later gets what the park knows at once, and the state keeps only recent context.
@Suite struct ParkContextProjectionTests {
    static let t0 = Timestamp(iso8601: "2024-05-20T06:00:00Z")!
    static func meta(_ id: String, _ seconds: Int64) -> EventMeta { EventMeta(id: id, eventTime: t0.adding(seconds: seconds), ingestTime: t0) }

    static func update(_ attraction: String, at seconds: Int64) -> ParkContextProjection.Input {
        .attraction(meta("u-\(attraction)-\(seconds)", seconds), AttractionWaitUpdated(
            parkID: "p", attractionID: attraction, waitMinutes: 10, status: .operating, baselineP50: nil, observedAt: t0.adding(seconds: seconds)))
    }

    static func schedule(_ date: String) -> ParkContextProjection.Input {
        let day = Timestamp(iso8601: date + "T00:00:00Z")!
        return .schedule(meta("s-\(date)", 0), ParkScheduleUpdated(
            parkID: "p", date: date, opensAt: day.adding(seconds: 9 * 3600), closesAt: day.adding(seconds: 21 * 3600), timeZone: "UTC"))
    }

    static func weather(hour: Int64, fetched: Int64) -> ParkContextProjection.Input {
        .weather(meta("w-\(hour)-\(fetched)", fetched), ParkWeatherHour(parkID: "p", hour: t0.adding(seconds: hour), temperatureC: 18, precipitationMM: 0))
    }

    @Test func contextReachesEveryAttractionAndLateComersGetItAtOnce() throws {
        let fold = ParkContextProjection()
        var state: ParkContextState?
        var sent: [(String, AttractionContextUpdated)] = []
        func apply(_ input: ParkContextProjection.Input) throws {
            let result = fold.fold(state, input)
            state = result.state
            for d in result.derived {
                #expect(d.topic == TopicNames.standard[.parksAttractionContext])
                sent.append((d.id, try #require(d.payload as? AttractionContextUpdated)))
            }
        }
        try apply(Self.update("a", at: 0))
        #expect(sent.isEmpty, "nothing to send yet")
        try apply(Self.schedule("2024-05-20"))
        try apply(Self.weather(hour: 0, fetched: 0))
        try apply(Self.weather(hour: 3600, fetched: 0))
        #expect(sent.map(\.1.attractionID) == ["a", "a", "a"])
        try apply(Self.update("a", at: 300))
        #expect(sent.count == 3, "an attraction already known gets nothing new")
        try apply(Self.update("b", at: 300))
        #expect(sent.count == 6 && sent[3...].allSatisfy { $0.1.attractionID == "b" && $0.1.partitionKey == "p/b" })
        try apply(Self.schedule("2024-05-21"))
        #expect(sent[6...].map(\.1.attractionID) == ["a", "b"])
        #expect(Set(sent.map(\.0)).count == sent.count, "every derived event has its own id")
        // Recent context only: schedules of the newest dates, weather from an hour before the newest fetch.
        for d in ["2024-05-22", "2024-05-23"] { try apply(Self.schedule(d)) }
        try apply(Self.weather(hour: 4 * 3600, fetched: 3 * 3600))
        #expect(state?.schedules.map(\.date) == ["2024-05-21", "2024-05-22", "2024-05-23"])
        #expect(state?.weather.map(\.report.hour) == [Self.t0.adding(seconds: 4 * 3600)], "hours before 02:00 (an hour before the 03:00 fetch) dropped")
        // The state round-trips through its JSON.
        var json = JSONWriter()
        state!.encode(to: &json)
        #expect(try ParkContextState(parkID: "p", json: try JSONParser.parse(json.bytes)) == state)
    }

    @Test func contextEventsRoundTripAndRefuseAnUnknownKind() throws {
        let day = Timestamp(iso8601: "2024-05-20T00:00:00Z")!
        for context in [
            AttractionContextUpdated.Context.schedule(ParkScheduleUpdated(
                parkID: "p", date: "2024-05-20", opensAt: day.adding(seconds: 32_400), closesAt: day.adding(seconds: 75_600), timeZone: "UTC")),
            .weather(ParkWeatherHour(parkID: "p", hour: day, temperatureC: nil, precipitationMM: 1.5), reportedAt: day.adding(seconds: -60)),
        ] {
            let event = AttractionContextUpdated(attractionID: "a", context: context)
            let envelope = EventEnvelope(event, id: "x", source: "t", eventTime: day, ingestTime: day)
            #expect(try EventEnvelope.decode(envelope.encoded()).decode(AttractionContextUpdated.self) == event)
        }
        let bad = Array(#"{"id":"x","type":"parks.attraction_context.updated","schema_version":1,"source":"t","key":"p/a","event_time":"2024-05-20T00:00:00Z","ingest_time":"2024-05-20T00:00:00Z","payload":{"attraction_id":"a","kind":"traffic","park_id":"p"}}"#.utf8)
        #expect(throws: EventValidationError.self) { try EventEnvelope.decode(bad).decode(AttractionContextUpdated.self) }
    }
}
