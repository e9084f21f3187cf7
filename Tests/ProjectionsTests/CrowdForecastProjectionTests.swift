import Events
import Forecasting
import Projections
import Testing

/// The crowd forecast for the rest of the day, without I/O: an attraction's hourly outlook from one round of its
/// predictions (read off the predictions within the last horizon, its ratio to the usual wait carried beyond,
/// hours without a usual wait left out), then the park's hours from its attractions' outlooks, published when a
/// level changes, and the fold's state kept whole through its JSON.
@Suite struct CrowdForecastProjectionTests {
    /// A Monday: 10:20 is hour of week 10.
    static let day = Timestamp(iso8601: "2024-05-20T00:00:00Z")!
    static let hour: Int64 = 3_600

    static func baselines(_ slots: [Int: Int]) -> HourOfWeekBaselines {
        var b = HourOfWeekBaselines()
        for (slot, p50) in slots { _ = b.add(p50, slot: slot) }
        return b
    }

    static func outlook(
        now: Int64 = 10 * hour + 20 * 60, closes: Int64? = 21 * hour, slots: [Int: Int]
    ) -> [AttractionOutlookUpdated.Hour] {
        AttractionOutlook.hours(
            now: day.adding(seconds: now).microseconds, context: WaitFeatures.Context(hourOfWeek: Int(now / hour), minute: Int(now % hour / 60)),
            wait: 30, closes: closes.map { day.adding(seconds: $0).microseconds },
            forecasts: [(15, 33), (30, 36), (60, 40), (120, 50)], baselines: baselines(slots))
    }

    @Test func anOutlookReadsThePredictionsThenCarriesTheLastRatioToClosing() throws {
        // Usual waits of 20 on Monday 09:00–20:00, except 15:00 which has none yet.
        let monday = Dictionary(uniqueKeysWithValues: (9...20).filter { $0 != 15 }.map { ($0, 20) })
        let hours = Self.outlook(slots: monday)
        #expect(hours.map(\.start) == [11, 12, 13, 14, 16, 17, 18, 19, 20].map { Self.day.adding(seconds: $0 * Self.hour) })
        #expect(hours.allSatisfy { $0.baselineP50 == 20 })
        // 11:30 is 70 minutes ahead: between the 60- (40) and the 120-minute (50) predictions.
        #expect(abs(hours[0].predictedMinutes - (40 + 10.0 / 60 * 10)) < 1e-9)
        // Beyond 120 minutes: the usual wait times the ratio at 12:20 (50 over 20).
        #expect(hours[1...].allSatisfy { $0.predictedMinutes == 50 })

        // A young history: 15:00 takes Sunday's usual wait; without a schedule the day runs to local midnight.
        var young = monday
        young[6 * 24 + 15] = 10
        young[22] = 20
        let withSunday = Self.outlook(slots: young)
        #expect(withSunday.first { $0.start == Self.day.adding(seconds: 15 * Self.hour) }?.baselineP50 == 10)
        #expect(withSunday.last?.start == Self.day.adding(seconds: 20 * Self.hour), "the park closes at 21:00")
        #expect(Self.outlook(closes: nil, slots: young).last?.start == Self.day.adding(seconds: 22 * Self.hour))
        // Past closing there is nothing left of the day.
        #expect(Self.outlook(now: 20 * Self.hour + 50 * 60, slots: monday).isEmpty)
    }

    static func outlook(_ attraction: String, at minutes: Int64, _ hours: [(hour: Int64, predicted: Double, usual: Int)]) -> CrowdForecastProjection.Input {
        let made = day.adding(seconds: minutes * 60)
        return (
            EventMeta(id: "\(attraction)@\(minutes)", eventTime: made, ingestTime: made),
            AttractionOutlookUpdated(
                parkID: "p", attractionID: attraction, madeAt: made,
                hours: hours.map { .init(start: day.adding(seconds: $0.hour * Self.hour), predictedMinutes: $0.predicted, baselineP50: $0.usual) }))
    }

    @Test func theParkForecastIsTheRatioOfItsAttractionsSumsAndIsPublishedWhenALevelChanges() throws {
        let projection = CrowdForecastProjection()
        let first = projection.fold(nil, Self.outlook("a", at: 620, [(11, 30, 20), (12, 40, 20)]))
        #expect(first.derived.count == 1 && first.rows.first?.hours.map(\.level) == [.veryHigh, .extreme])
        let both = projection.fold(first.state, Self.outlook("b", at: 620, [(11, 10, 20), (12, 20, 20)]))
        let forecast = try #require(both.rows.first)
        #expect(forecast.hours.map(\.ratio) == [1.0, 1.5] && forecast.hours.map(\.level) == [.moderate, .veryHigh])
        #expect(forecast.hours.map(\.meanPredictedMinutes) == [20, 30] && forecast.hours.map(\.attractions) == [2, 2])
        #expect(both.derived.count == 1 && (both.derived.first?.payload as? CrowdForecastUpdated) == forecast)
        #expect(both.derived.first?.topic == TopicNames.standard[.parksCrowdForecasts] && both.derived.first?.key == "p")

        // A repeat (a relay re-sending) changes nothing; new numbers with the same levels are a row, not news.
        let repeated = projection.fold(both.state, Self.outlook("b", at: 620, [(11, 90, 20), (12, 90, 20)]))
        #expect(repeated.rows.isEmpty && repeated.derived.isEmpty && repeated.state == both.state)
        let quiet = projection.fold(both.state, Self.outlook("a", at: 625, [(11, 32, 20), (12, 41, 20)]))
        #expect(quiet.rows.first?.hours.map(\.ratio) == [1.05, 1.525] && quiet.derived.isEmpty)

        // An hour passes: b stopped predicting an hour ago and no longer counts; hours begun are gone.
        let later = projection.fold(quiet.state, Self.outlook("a", at: 686, [(12, 20, 20), (13, 24, 20)]))
        #expect(later.state.outlooks.keys.sorted() == ["a"])
        #expect(later.rows.first?.hours.map(\.start) == [12, 13].map { Self.day.adding(seconds: $0 * Self.hour) })
        #expect(later.rows.first?.madeAt == Self.day.adding(seconds: 686 * 60) && later.derived.count == 1)
        // Usually-empty hours (a usual wait of 0 everywhere) say nothing about the crowd.
        let walkOn = projection.fold(nil, Self.outlook("c", at: 620, [(11, 5, 0)]))
        #expect(walkOn.rows.first?.hours.isEmpty == true)

        var json = JSONWriter()
        later.state.encode(to: &json)
        // The state column holds the fold's memory; the newest forecast has a column of its own.
        var restored = try ParkCrowdForecastState(parkID: "p", json: try JSONParser.parse(json.bytes))
        #expect(restored.current == nil && restored.published == later.state.published)
        restored.current = later.rows.first
        #expect(restored == later.state)
    }

    @Test func anOutlookWithTooManyHoursOrAnImpossibleWaitIsRefusedNamingTheField() throws {
        let hours = (0...24).map { AttractionOutlookUpdated.Hour(start: Self.day.adding(seconds: Int64($0) * Self.hour), predictedMinutes: 1, baselineP50: 1) }
        var w = JSONWriter()
        AttractionOutlookUpdated(parkID: "p", attractionID: "a", madeAt: Self.day, hours: hours).encode(to: &w)
        #expect { try AttractionOutlookUpdated(payload: try FieldReader(try JSONParser.parse(w.bytes))) } throws: {
            ($0 as? EventValidationError)?.field == "hours"
        }
        let bad = #"{"park_id":"p","attraction_id":"a","made_at":"2024-05-20T10:00:00Z","hours":[{"start":"2024-05-20T11:00:00Z","predicted_minutes":-1,"baseline_p50":20}]}"#
        #expect { try AttractionOutlookUpdated(payload: try FieldReader(try JSONParser.parse(Array(bad.utf8)))) } throws: {
            ($0 as? EventValidationError)?.field == "hours[0].predicted_minutes"
        }
    }
}
