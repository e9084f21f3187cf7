import Projections

/// The features of a wait-time forecast, computed one way for training (from the stored history) and for
/// serving (from the stream): one place, so that the model is served the features it was trained on.
///
/// A row describes one attraction at one moment: its hour-of-week baselines (P50, P90), its level and trend,
/// the park's hours around it, the day, recent downtime, and the weather when known. Unknown values are NaN:
/// the trees send them down their missing side.
public enum WaitFeatures {
    public static let names = [
        "target_p50", "target_p90", "now_p50", "level", "trend_30m", "day_ratio", "scaled_target_p50",
        "minutes_since_open", "minutes_to_close", "weekday", "weekend", "down_minutes_60m", "minutes_since_reopen",
        "hour_of_day", "temperature_c", "precipitation_mm", "precipitation_target_mm",
    ]
    /// Where each feature sits in a row (`names` in the same order).
    public enum Index {
        public static let targetP50 = 0, targetP90 = 1, nowP50 = 2, level = 3, trend = 4, dayRatio = 5, scaledTargetP50 = 6
        public static let minutesSinceOpen = 7, minutesToClose = 8, weekday = 9, weekend = 10, downMinutes = 11
        public static let minutesSinceReopen = 12, hourOfDay = 13, temperature = 14, precipitation = 15
        public static let precipitationTarget = 16
    }
    /// Indices of the categorical features (LightGBM's `categorical_feature`).
    public static let categorical = [Index.weekday]
    /// Minutes ahead each model predicts.
    public static let horizons = [15, 30, 60, 120]
    /// How far back the day's ratio to its baselines looks.
    static let dayRatioWindow: Int64 = 180 * minute
    /// How far back a reopening after downtime is remembered.
    static let reopenWindow: Int64 = 120 * minute
    /// The history a row reads: nothing older than this before its moment matters to any feature.
    public static let historyWindow: Int64 = 180 * minute

    /// One observation of an attraction, in time order within a history. Readings outside the park's opening
    /// hours are not waits (feeds re-stamp zeros overnight): callers leave them out.
    public struct Point: Sendable, Equatable {
        /// µs since the epoch.
        public var time: Int64
        public var wait: Int?
        public var operating: Bool
        /// Park-local hour of week of `time` (`HourOfWeekBaselines`' slot), when known: the day's ratio to its
        /// baselines needs it.
        public var slot: Int?

        public init(time: Int64, wait: Int?, operating: Bool, slot: Int? = nil) {
            self.time = time
            self.wait = wait
            self.operating = operating
            self.slot = slot
        }

        /// The wait, when this is one (operating, and posted).
        public var openWait: Int? { operating ? wait : nil }
    }

    /// What the park knows at the moment of a row (computed by the caller in the park's local time).
    public struct Context: Sendable, Equatable {
        /// Park-local day of week × 24 + hour (`HourOfWeekBaselines`' slot); weekday 0 is Monday.
        public var hourOfWeek: Int
        /// Park-local minute within the hour.
        public var minute: Int
        public var minutesSinceOpen: Double?
        public var minutesToClose: Double?
        public var temperatureC: Double?
        public var precipitationMM: Double?
        /// Precipitation forecast for the hours after this one, as known at the moment: index 0 is the next
        /// hour (a row's target hour reads it, when its horizon reaches past this hour).
        public var precipitationAheadMM: [Double?]

        public init(
            hourOfWeek: Int, minute: Int = 0, minutesSinceOpen: Double? = nil, minutesToClose: Double? = nil,
            temperatureC: Double? = nil, precipitationMM: Double? = nil, precipitationAheadMM: [Double?] = []
        ) {
            precondition((0..<HourOfWeekBaselines.slots).contains(hourOfWeek), "hour of week \(hourOfWeek) out of range")
            precondition((0..<60).contains(minute), "minute \(minute) out of range")
            self.hourOfWeek = hourOfWeek
            self.minute = minute
            self.minutesSinceOpen = minutesSinceOpen
            self.minutesToClose = minutesToClose
            self.temperatureC = temperatureC
            self.precipitationMM = precipitationMM
            self.precipitationAheadMM = precipitationAheadMM
        }

        public var weekday: Int { hourOfWeek / 24 }

        /// The precipitation known for the hour `minutes` after this moment (this hour's, or a forecast's).
        public func precipitation(after minutes: Int) -> Double? {
            let hoursAhead = (minute + minutes) / 60
            if hoursAhead == 0 { return precipitationMM }
            return hoursAhead <= precipitationAheadMM.count ? precipitationAheadMM[hoursAhead - 1] : nil
        }

        /// The hour-of-week slot `minutes` after this moment.
        public func slot(after minutes: Int) -> Int {
            ((hourOfWeek * 60 + minute + minutes) / 60) % HourOfWeekBaselines.slots
        }
    }

    static let minute: Int64 = 60_000_000

    /// The row for a forecast `horizonMinutes` ahead, at the last point of `history` (points up to the moment,
    /// in time order).
    public static func row(
        history: ArraySlice<Point>, baselines: HourOfWeekBaselines?, context: Context, horizonMinutes: Int
    ) -> [Double] {
        var row = [Double](repeating: .nan, count: names.count)
        let now = history.last
        let level: Double = now.flatMap(\.openWait).map(Double.init) ?? .nan
        if let now, let earlier = nearest(in: history, to: now.time - 30 * minute, within: 10 * minute), earlier.time < now.time,
           let then = earlier.openWait, !level.isNaN {
            row[Index.trend] = level - Double(then)
        }
        func percentile(_ p: Double, _ slot: Int) -> Double { baselines?.percentile(p, slot: slot).map(Double.init) ?? .nan }
        let target = context.slot(after: horizonMinutes)
        row[Index.targetP50] = percentile(0.5, target)
        row[Index.targetP90] = percentile(0.9, target)
        row[Index.nowP50] = percentile(0.5, context.hourOfWeek)
        row[Index.level] = level
        if let now, let baselines {
            row[Index.dayRatio] = ratio(history, before: now.time, window: dayRatioWindow, baselines: baselines)
            row[Index.scaledTargetP50] = row[Index.targetP50] * row[Index.dayRatio]
        }
        row[Index.minutesSinceOpen] = context.minutesSinceOpen ?? .nan
        row[Index.minutesToClose] = context.minutesToClose ?? .nan
        row[Index.weekday] = Double(context.weekday)
        row[Index.weekend] = context.weekday >= 5 ? 1 : 0
        if let now {
            row[Index.downMinutes] = downMinutes(in: history, before: now.time, window: 60 * minute)
            row[Index.minutesSinceReopen] = minutesSinceReopen(history, before: now.time)
        }
        row[Index.hourOfDay] = Double(context.hourOfWeek % 24) + Double(context.minute) / 60
        row[Index.temperature] = context.temperatureC ?? .nan
        row[Index.precipitation] = context.precipitationMM ?? .nan
        row[Index.precipitationTarget] = context.precipitation(after: horizonMinutes) ?? .nan
        return row
    }

    /// How busy the attraction is against its usual: the mean of wait ÷ that hour's P50 over the `window`'s
    /// waits (NaN: no wait with a known P50 in the window): over three hours, the day's level.
    static func ratio(_ history: ArraySlice<Point>, before time: Int64, window: Int64, baselines: HourOfWeekBaselines) -> Double {
        var sum = 0.0, count = 0
        var index = history.endIndex
        while index > history.startIndex {
            index -= 1
            let point = history[index]
            guard point.time > time - window else { break }
            guard let wait = point.openWait, let slot = point.slot, let p50 = baselines.percentile(0.5, slot: slot), p50 > 0 else { continue }
            sum += Double(wait) / Double(p50)
            count += 1
        }
        return count == 0 ? .nan : sum / Double(count)
    }

    /// Minutes since the attraction reopened after its last stop within two hours (NaN: no stop in that window,
    /// or still stopped).
    static func minutesSinceReopen(_ history: ArraySlice<Point>, before time: Int64) -> Double {
        var index = history.endIndex
        var reopened: Int64?
        while index > history.startIndex {
            index -= 1
            let point = history[index]
            guard point.time > time - reopenWindow else { break }
            if point.operating {
                reopened = point.time
            } else {
                guard let reopened else { return .nan }
                return Double(time - reopened) / Double(minute)
            }
        }
        return .nan
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
