import Forecasting
import Projections
import Testing

/// The forecast's features from an attraction's history, without I/O: level, trend, downtime, baselines, the
/// day, the park's hours, missing values as NaN; targets at each horizon; the baselines and the error measures.
@Suite struct WaitFeaturesTests {
    static let minute: Int64 = 60_000_000
    static let t0: Int64 = 1_716_192_000_000_000  // 2024-05-20T08:00:00Z, a Monday

    /// Every 5 minutes from t0: waits 10, 15, 20, …; down from 09:00 to 09:15 (points 12, 13, 14).
    /// Slots: Monday 08:00 is slot 8.
    static func history(_ count: Int = 30) -> [WaitFeatures.Point] {
        (0..<count).map { i in
            let down = (12...14).contains(i)
            return WaitFeatures.Point(time: t0 + Int64(i) * 5 * minute, wait: down ? nil : 10 + 5 * i, operating: !down, slot: 8 + i / 12)
        }
    }

    @Test func aRowFromTheHistoryAndTheContext() {
        var baselines = HourOfWeekBaselines()
        for w in [20, 30, 40, 50, 60] { _ = baselines.add(w, slot: 9) }
        for w in [100, 200] { _ = baselines.add(w, slot: 10) }
        for w in [10, 20, 30] { _ = baselines.add(w, slot: 8) }
        let points = Self.history()
        // At 09:45 (point 21: wait 115), Monday 09:00-10:00 is slot 9; 30 minutes ahead is 10:15, slot 10.
        let context = WaitFeatures.Context(hourOfWeek: 9, minute: 45, minutesSinceOpen: 45, minutesToClose: 555, temperatureC: 18.5)
        let row = WaitFeatures.row(history: points[...21], baselines: baselines, context: context, horizonMinutes: 30)
        #expect(row.count == WaitFeatures.names.count)
        let named = Dictionary(uniqueKeysWithValues: zip(WaitFeatures.names, row))
        #expect(named["target_p50"] == 100 && named["target_p90"] == 200 && named["now_p50"] == 40)
        #expect(named["level"] == 115)
        #expect(named["trend_30m"] == 30, "30 minutes before: point 15, 85 minutes; 115 - 85")
        #expect(named["down_minutes_60m"] == 15, "09:00–09:15 within the hour before 09:45")
        #expect(named["minutes_since_reopen"] == 30, "reopened at 09:15 (point 15)")
        // Waits ÷ their hour's P50 over the three hours: points 0–11 in slot 8 (P50 20), 15–21 in slot 9 (P50 40).
        let early: [Double] = (0...11).map { (i: Int) -> Double in Double(10 + 5 * i) / 20 }
        let late: [Double] = (15...21).map { (i: Int) -> Double in Double(10 + 5 * i) / 40 }
        let ratio = (early.reduce(0, +) + late.reduce(0, +)) / Double(early.count + late.count)
        #expect(abs(named["day_ratio"]! - ratio) < 1e-12)
        #expect(abs(named["scaled_target_p50"]! - 100 * ratio) < 1e-9)
        #expect(named["weekday"] == 0 && named["weekend"] == 0 && named["hour_of_day"] == 9.75)
        #expect(named["minutes_since_open"] == 45 && named["minutes_to_close"] == 555 && named["temperature_c"] == 18.5)
        #expect(named["precipitation_mm"]!.isNaN, "unknown weather is NaN")
    }

    @Test func unknownsAreNaN() {
        let points = Self.history()
        // At 09:10 the attraction is down: no level, no trend.
        let row = WaitFeatures.row(
            history: points[...14], baselines: nil, context: WaitFeatures.Context(hourOfWeek: 5 * 24 + 9), horizonMinutes: 15)
        let named = Dictionary(uniqueKeysWithValues: zip(WaitFeatures.names, row))
        #expect(named["level"]!.isNaN && named["trend_30m"]!.isNaN && named["target_p50"]!.isNaN && named["day_ratio"]!.isNaN)
        #expect(named["minutes_since_reopen"]!.isNaN, "still down")
        #expect(named["minutes_since_open"]!.isNaN)
        #expect(named["weekday"] == 5 && named["weekend"] == 1, "Saturday")
        #expect(named["down_minutes_60m"] == 10, "down from 09:00 to the moment, 09:10")
        // The first point: no trend (nothing 30 minutes before).
        let first = WaitFeatures.row(history: points[...0], baselines: nil, context: WaitFeatures.Context(hourOfWeek: 8), horizonMinutes: 15)
        let i = WaitFeatures.Index.self
        #expect(first[i.level] == 10 && first[i.trend].isNaN && first[i.downMinutes] == 0 && first[i.minutesSinceReopen].isNaN)
        // The target's slot wraps from Sunday 23:xx to Monday 00:xx.
        #expect(WaitFeatures.Context(hourOfWeek: 167, minute: 50).slot(after: 15) == 0)
    }

    @Test func targetsAreTheObservationAtEachHorizon() {
        let points = Self.history()[...]
        #expect(WaitFeatures.target(in: points, after: Self.t0, horizonMinutes: 15) == 25)
        #expect(WaitFeatures.target(in: points, after: Self.t0, horizonMinutes: 30) == 40)
        #expect(WaitFeatures.target(in: points, after: Self.t0 + 2 * Self.minute, horizonMinutes: 15) == 25, "nearest within 5 minutes")
        #expect(WaitFeatures.target(in: points, after: Self.t0, horizonMinutes: 60) == nil, "09:00: down, not a wait")
        #expect(WaitFeatures.target(in: points, after: Self.t0, horizonMinutes: 1_000) == nil, "beyond the history")
    }

    @Test func baselinesAndErrors() {
        var row = [Double](repeating: .nan, count: WaitFeatures.names.count)
        row[WaitFeatures.Index.targetP50] = 40
        row[WaitFeatures.Index.level] = 115
        #expect(ForecastBaseline.persistence.predict(row) == 115)
        #expect(ForecastBaseline.seasonalNaive.predict(row) == 40)
        var unknown = row
        unknown[WaitFeatures.Index.level] = .nan
        #expect(ForecastBaseline.persistence.predict(unknown) == nil)
        var accuracy = ForecastAccuracy()
        #expect(accuracy.meanAbsoluteError == nil && accuracy.p90AbsoluteError == nil)
        for (p, a) in [(10.0, 12.0), (20, 20), (30, 25), (40, 50), (5, 4), (0, 3), (7, 7), (9, 10), (11, 11), (50, 30)] {
            accuracy.add(predicted: p, actual: a)
        }
        #expect(accuracy.count == 10)
        #expect(accuracy.meanAbsoluteError == 4.2, "(2 + 0 + 5 + 10 + 1 + 3 + 0 + 1 + 0 + 20) / 10")
        #expect(accuracy.p90AbsoluteError == 10, "9th of 10 sorted errors")
    }
}
