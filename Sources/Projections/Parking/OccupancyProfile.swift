import Events

/// A facility's hour-of-week profile in quarter hours (7 × 96 slots, facility-local time): the mean share of
/// capacity occupied at each quarter hour, sampled once per quarter, and the forecast made from it.
///
/// The forecast for step k (15 minutes each) starts from the share now and moves by the profile's change
/// from this quarter to that one (how this time of the week usually goes), blended with the recent trend
/// damped towards flat (how today is going). The profile's weight grows with the weeks behind both slots:
/// a new facility forecasts from its trend alone.
public struct OccupancyProfile: Sendable, Equatable {
    public static let slots = 7 * 96
    public static let quarter: Int64 = 15 * 60
    /// Weeks of samples for the profile to carry the whole forecast.
    static let fullWeightWeeks = 2.0
    /// Per-step damping of the recent trend.
    static let trendDamping = 0.7

    /// Sum of sampled shares and their count, per slot (sparse).
    public var sums: [Int: Double] = [:]
    public var counts: [Int: Int] = [:]

    public init() {}

    /// The slot of quarter hour `index` (quarters since the epoch, local time; 1970-01-01 was a Thursday:
    /// slot 0 is Monday 00:00).
    public static func slot(ofQuarter index: Int64) -> Int {
        let days = Timestamp.floorDivision(index, 96)
        let weekday = Int((days + 3) % 7)  // Thursday → 3 with Monday = 0
        return weekday * 96 + Int(index - days * 96)
    }

    public func mean(_ slot: Int) -> Double? {
        guard let n = counts[slot], n > 0, let s = sums[slot] else { return nil }
        return s / Double(n)
    }

    public mutating func record(share: Double, slot: Int) {
        sums[slot, default: 0] += share
        counts[slot, default: 0] += 1
    }

    /// Shares for the next `steps` quarters; `previousShare` is the share one quarter ago (nil: no trend).
    public func forecast(share: Double, previousShare: Double?, slot: Int, steps: Int = 4) -> (shares: [Double], weight: Double) {
        let trend = previousShare.map { share - $0 } ?? 0
        var shares: [Double] = []
        var weight = 1.0
        var trendSum = 0.0, damping = 1.0
        for k in 1...steps {
            damping *= Self.trendDamping
            trendSum += trend * damping
            let target = (slot + k) % Self.slots
            var w = 0.0, profileDelta = 0.0
            if let now = mean(slot), let then = mean(target) {
                w = min(1, Double(min(counts[slot]!, counts[target]!)) / Self.fullWeightWeeks)
                profileDelta = then - now
            }
            weight = min(weight, w)
            shares.append(min(1, max(0, share + w * profileDelta + (1 - w) * trendSum)))
        }
        return (shares, weight)
    }
}
