/// Exact distribution of wait minutes: wait minutes are small integers, so counting each value is exact
/// and tiny (feeds mostly post multiples of 5).
public struct WaitHistogram: Sendable, Equatable {
    /// Sorted by minutes, counts > 0.
    public private(set) var values: [Int32] = []
    public private(set) var counts: [Int32] = []

    public init() {}

    public init(values: [Int32], counts: [Int32]) {
        precondition(values.count == counts.count)
        let pairs = zip(values, counts).filter { $0.1 > 0 }.sorted { $0.0 < $1.0 }
        self.values = pairs.map(\.0)
        self.counts = pairs.map(\.1)
    }

    public var total: Int64 { counts.reduce(0) { $0 + Int64($1) } }

    public mutating func add(_ minutes: Int) {
        let v = Int32(minutes)
        var lo = 0, hi = values.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if values[mid] < v { lo = mid + 1 } else { hi = mid }
        }
        if lo < values.count, values[lo] == v {
            counts[lo] += 1
        } else {
            values.insert(v, at: lo)
            counts.insert(1, at: lo)
        }
    }

    /// Nearest-rank percentile: the smallest value whose cumulative count reaches ⌈p·n⌉ (p in (0, 1]).
    /// Nil when empty.
    public func percentile(_ p: Double) -> Int? {
        let n = total
        guard n > 0 else { return nil }
        let rank = max(1, Int64((p * Double(n)).rounded(.up)))
        var cumulative: Int64 = 0
        for (v, c) in zip(values, counts) {
            cumulative += Int64(c)
            if cumulative >= rank { return Int(v) }
        }
        return values.last.map(Int.init)
    }
}
