/// An attraction's hour-of-week wait histograms (168 slots: park-local day of week × 24 + hour), held as ONE
/// sorted array of plain words instead of a dictionary of histograms.
///
/// Why: the runtime keeps the state a batch left for its commit while the next batch folds, so the first
/// change to a state in a batch copies what it changes. A dictionary of histograms copies as a retain of
/// every histogram's arrays (hundreds of atomic operations, then as many releases); this copies as one
/// `memcpy`. Adding a wait is a binary search and an increment in place.
public struct HourOfWeekBaselines: Sendable, Equatable {
    public static let slots = 7 * 24

    /// `slot << 56 | minutes << 32 | count`, sorted (so by slot, then minutes); every count > 0.
    private var entries: [UInt64] = []

    private static let countMask: UInt64 = 0xFFFF_FFFF
    /// Waits are validated to 0...600 minutes; the layout holds up to 2^24 − 1.
    private static let maxMinutes = (1 << 24) - 1

    public init() {}

    /// Counts one wait in `slot` and returns the slot's P50 after it.
    public mutating func add(_ minutes: Int, slot: Int) -> Int? {
        precondition((0..<Self.slots).contains(slot) && (0...Self.maxMinutes).contains(minutes))
        let key = UInt64(slot) << 56 | UInt64(minutes) << 32
        let i = Self.lowerBound(key, in: entries)
        if i < entries.count, entries[i] & ~Self.countMask == key {
            // Saturates rather than carrying into the minutes (4 billion samples of one wait in one hour).
            if entries[i] & Self.countMask != Self.countMask { entries[i] += 1 }
        } else {
            entries.insert(key | 1, at: i)
        }
        return percentile(0.5, slot: slot)
    }

    /// Nearest-rank percentile of a slot, as `WaitHistogram.percentile`; nil when the slot has no samples.
    public func percentile(_ p: Double, slot: Int) -> Int? {
        let range = self.range(of: slot)
        var n: Int64 = 0
        for i in range { n += Int64(entries[i] & Self.countMask) }
        guard n > 0 else { return nil }
        let rank = max(1, Int64((p * Double(n)).rounded(.up)))
        var cumulative: Int64 = 0
        for i in range {
            cumulative += Int64(entries[i] & Self.countMask)
            if cumulative >= rank { return Self.minutes(entries[i]) }
        }
        return Self.minutes(entries[range.upperBound - 1])
    }

    /// The histogram of a slot; nil when it has no samples. Setting replaces the slot's histogram (nil or an
    /// empty one clears it); waits outside 0...2^24 − 1 minutes cannot be held and are dropped.
    public subscript(slot: Int) -> WaitHistogram? {
        get {
            let range = self.range(of: slot)
            guard !range.isEmpty else { return nil }
            return WaitHistogram(
                values: range.map { Int32(Self.minutes(entries[$0])) }, counts: range.map { Int32(clamping: entries[$0] & Self.countMask) })
        }
        set {
            precondition((0..<Self.slots).contains(slot))
            var words: [UInt64] = []
            if let h = newValue {
                let high = UInt64(slot) << 56
                for (minutes, count) in zip(h.values, h.counts) where minutes >= 0 && Int(minutes) <= Self.maxMinutes && count > 0 {
                    words.append(high | UInt64(minutes) << 32 | UInt64(count))
                }
            }
            entries.replaceSubrange(range(of: slot), with: words)
        }
    }

    private func range(of slot: Int) -> Range<Int> {
        let lo = Self.lowerBound(UInt64(slot) << 56, in: entries)
        return lo..<Self.lowerBound(UInt64(slot + 1) << 56, in: entries, from: lo)
    }

    private static func minutes(_ entry: UInt64) -> Int { Int((entry >> 32) & 0xFF_FFFF) }

    /// First index at or after `from` whose entry is ≥ `key`.
    private static func lowerBound(_ key: UInt64, in entries: [UInt64], from: Int = 0) -> Int {
        var lo = from, hi = entries.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if entries[mid] < key { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}
