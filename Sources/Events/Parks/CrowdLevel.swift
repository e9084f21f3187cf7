/// Named crowd levels from the ratio of a park's current mean wait to its usual (baseline P50) mean wait
/// for this hour of the week.
///
/// Thresholds (ratio r): very low r < 0.5; low 0.5 ≤ r < 0.8; moderate 0.8 ≤ r < 1.1; high 1.1 ≤ r < 1.4;
/// very high 1.4 ≤ r < 1.8; extreme r ≥ 1.8. A ratio of 1 means "as busy as usual for this hour".
public enum CrowdLevel: String, Sendable, CaseIterable, Hashable, Comparable {
    case veryLow = "very_low"
    case low
    case moderate
    case high
    case veryHigh = "very_high"
    case extreme

    /// Lower bounds of each level above `veryLow`, in order.
    public static let thresholds: [(CrowdLevel, Double)] = [
        (.low, 0.5), (.moderate, 0.8), (.high, 1.1), (.veryHigh, 1.4), (.extreme, 1.8),
    ]

    public init(ratio: Double) {
        var level = CrowdLevel.veryLow
        for (candidate, bound) in Self.thresholds where ratio >= bound { level = candidate }
        self = level
    }

    public var rank: Int { Self.allCases.firstIndex(of: self)! }
    public static func < (lhs: CrowdLevel, rhs: CrowdLevel) -> Bool { lhs.rank < rhs.rank }
}
