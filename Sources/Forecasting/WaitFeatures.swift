import Projections

/// The features of a wait-time forecast, computed one way for training (from the stored history) and for
/// serving (from the stream): one place, so that the model is served the features it was trained on.
///
/// A row describes one attraction at one moment: its hour-of-week baselines (P50, P90), its level and trend,
/// the park's hours around it, the day, recent downtime, and the weather when known. Unknown values are NaN:
/// the trees send them down their missing side.
public enum WaitFeatures {
    public static let names = [
        "baseline_p50", "baseline_p90", "level", "trend_30m", "minutes_since_open", "minutes_to_close", "weekday",
        "weekend", "down_minutes_60m", "hour_of_day", "temperature_c", "precipitation_mm",
    ]
    /// Indices of the categorical features (LightGBM's `categorical_feature`).
    public static let categorical = [6]
    /// Minutes ahead each model predicts.
    public static let horizons = [15, 30, 60, 120]

    /// One observation of an attraction, in time order within a history.
    public struct Point: Sendable, Equatable {
        /// µs since the epoch.
        public var time: Int64
        public var wait: Int?
        public var operating: Bool

        public init(time: Int64, wait: Int?, operating: Bool) {
            self.time = time
            self.wait = wait
            self.operating = operating
        }
    }

    /// What the park knows at the moment of a row (computed by the caller in the park's local time).
    public struct Context: Sendable, Equatable {
        /// Park-local day of week × 24 + hour (`HourOfWeekBaselines`' slot); weekday 0 is Monday.
        public var hourOfWeek: Int
        public var minutesSinceOpen: Double?
        public var minutesToClose: Double?
        public var temperatureC: Double?
        public var precipitationMM: Double?

        public init(
            hourOfWeek: Int, minutesSinceOpen: Double? = nil, minutesToClose: Double? = nil, temperatureC: Double? = nil,
            precipitationMM: Double? = nil
        ) {
            precondition((0..<HourOfWeekBaselines.slots).contains(hourOfWeek), "hour of week \(hourOfWeek) out of range")
            self.hourOfWeek = hourOfWeek
            self.minutesSinceOpen = minutesSinceOpen
            self.minutesToClose = minutesToClose
            self.temperatureC = temperatureC
            self.precipitationMM = precipitationMM
        }

        public var weekday: Int { hourOfWeek / 24 }
    }

    static let minute: Int64 = 60_000_000

    /// The row at the last point of `history` (points up to the moment, in time order).
    public static func row(history: ArraySlice<Point>, baselines: HourOfWeekBaselines?, context: Context) -> [Double] {
        let now = history.last
        let level: Double = now.flatMap { $0.operating ? $0.wait.map(Double.init) : nil } ?? .nan
        var trend = Double.nan
        if let now, let earlier = nearest(in: history, to: now.time - 30 * minute, within: 10 * minute), earlier.time < now.time,
           earlier.operating, let then = earlier.wait, !level.isNaN {
            trend = level - Double(then)
        }
        let p50 = baselines?.percentile(0.5, slot: context.hourOfWeek).map(Double.init) ?? .nan
        let p90 = baselines?.percentile(0.9, slot: context.hourOfWeek).map(Double.init) ?? .nan
        return [
            p50, p90, level, trend, context.minutesSinceOpen ?? .nan, context.minutesToClose ?? .nan, Double(context.weekday),
            context.weekday >= 5 ? 1 : 0, now.map { downMinutes(in: history, before: $0.time, window: 60 * minute) } ?? .nan,
            Double(context.hourOfWeek % 24), context.temperatureC ?? .nan, context.precipitationMM ?? .nan,
        ]
    }

    /// The wait observed `horizon` minutes after `time`: the operating observation nearest to that moment within
    /// `tolerance` minutes (nil: none, and no training row). A closed attraction's target is its 0-minute wait
    /// only if the feed said 0; a downtime is not a wait.
    public static func target(in points: ArraySlice<Point>, after time: Int64, horizonMinutes: Int, toleranceMinutes: Int = 5) -> Double? {
        guard let found = nearest(in: points, to: time + Int64(horizonMinutes) * minute, within: Int64(toleranceMinutes) * minute),
              found.operating, let wait = found.wait else { return nil }
        return Double(wait)
    }

    /// Minutes of the `window` before `time` during which the attraction was not operating (each observation's
    /// status holds until the next one).
    static func downMinutes(in history: ArraySlice<Point>, before time: Int64, window: Int64) -> Double {
        let start = time - window
        var down: Int64 = 0
        var index = history.startIndex
        while index < history.endIndex, history[index].time <= time {
            let point = history[index]
            let next = index + 1 < history.endIndex ? min(history[index + 1].time, time) : time
            if !point.operating {
                let from = max(point.time, start), to = next
                if to > from { down += to - from }
            }
            index += 1
        }
        return Double(down) / Double(minute)
    }

    /// The point nearest to `time` within `within` µs (binary search: histories are in time order).
    static func nearest(in points: ArraySlice<Point>, to time: Int64, within: Int64) -> Point? {
        var lo = points.startIndex, hi = points.endIndex
        while lo < hi {
            let mid = (lo + hi) / 2
            if points[mid].time < time { lo = mid + 1 } else { hi = mid }
        }
        var best: Point?
        for i in [lo - 1, lo] where i >= points.startIndex && i < points.endIndex {
            let d = abs(points[i].time - time)
            if d <= within, best.map({ abs($0.time - time) > d }) ?? true { best = points[i] }
        }
        return best
    }
}
