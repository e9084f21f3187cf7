import Events
import Projections

/// An attraction's predicted waits for the rest of its park's day, hour by hour, from one round of its
/// predictions: the input of the park's crowd forecast.
///
/// Each hour from the next park-local hour until closing (or local midnight without a schedule) gets the wait at
/// its middle and the attraction's usual wait then (hour-of-week P50). Within the last horizon (120 minutes) the
/// wait is read off the predictions, linearly between them (the current wait at lead 0). Beyond, it is the hour's
/// P50 times the attraction's ratio to its P50 at the last horizon: a day that runs busy stays busy, which is how
/// the day level behaves in real feeds and the simulator (the day factor lasts the day).
///
/// The usual wait of an hour is its hour-of-week P50 or, while the history is younger than a week, the same hour
/// of the nearest day that has one. An hour without either is left out: nobody can say whether it will be busy.
public enum AttractionOutlook {
    static let minute: Int64 = 60_000_000

    /// - Parameters:
    ///   - now: µs of the newest reading; `context` is the park-local moment of it.
    ///   - wait: the reading's wait.
    ///   - closes: the day's closing time (µs), when a schedule gave it.
    ///   - forecasts: (horizon minutes, predicted minutes) of this round.
    public static func hours(
        now: Int64, context: WaitFeatures.Context, wait: Int, closes: Int64?, forecasts: [(horizon: Int, minutes: Double)],
        baselines: HourOfWeekBaselines
    ) -> [AttractionOutlookUpdated.Hour] {
        let known = [(horizon: 0, minutes: Double(wait))] + forecasts.sorted { $0.horizon < $1.horizon }
        let last = known.last!
        // The attraction's ratio to its usual wait at the last horizon, carried to the rest of the day.
        let ratio: Double? = usual(baselines, slot: context.slot(after: last.horizon)).flatMap { p50 in
            p50 > 0 ? last.minutes / Double(p50) : nil
        }
        let minuteStart = Timestamp.floorDivision(now, minute) * minute
        let toNextHour = 60 - context.minute
        let hourOfDay = context.hourOfWeek % 24
        let end = closes ?? minuteStart + Int64((24 - hourOfDay) * 60 - context.minute) * minute
        var hours: [AttractionOutlookUpdated.Hour] = []
        for k in 0..<AttractionOutlookUpdated.maxHours {
            let lead = toNextHour + 60 * k
            let start = minuteStart + Int64(lead) * minute
            guard start < end else { break }
            guard let p50 = usual(baselines, slot: context.slot(after: lead)) else { continue }
            let middle = lead + 30
            let predicted: Double
            if middle <= last.horizon {
                predicted = interpolate(known, at: middle)
            } else if let ratio {
                predicted = Double(p50) * ratio
            } else {
                predicted = Double(p50)
            }
            hours.append(
                .init(
                    start: Timestamp(microseconds: start), predictedMinutes: min(Double(WaitTimeObserved.maxWaitMinutes), max(0, predicted)),
                    baselineP50: p50))
        }
        return hours
    }

    /// The hour-of-week P50 of `slot`, else the same hour's of the nearest day that has one.
    static func usual(_ baselines: HourOfWeekBaselines, slot: Int) -> Int? {
        for days in [0, -1, 1, -2, 2, -3, 3] {
            let other = (slot + 24 * days + HourOfWeekBaselines.slots) % HourOfWeekBaselines.slots
            if let p50 = baselines.percentile(0.5, slot: other) { return p50 }
        }
        return nil
    }

    /// The value at `lead` minutes on the broken line through `points` (sorted by horizon, `lead` within them).
    static func interpolate(_ points: [(horizon: Int, minutes: Double)], at lead: Int) -> Double {
        for (a, b) in zip(points, points.dropFirst()) where lead <= b.horizon {
            let t = Double(lead - a.horizon) / Double(b.horizon - a.horizon)
            return a.minutes + t * (b.minutes - a.minutes)
        }
        return points.last!.minutes
    }
}
