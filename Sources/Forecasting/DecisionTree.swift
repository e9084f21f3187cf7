/// One regression tree of a gradient-boosted model, in flat arrays (a node's children are indices; a negative
/// index `~k` is leaf k), evaluated exactly as LightGBM evaluates its trees.
public struct DecisionTree: Sendable, Equatable {
    /// What a node does with a missing value.
    public enum Missing: Sendable, Equatable {
        /// Nothing is missing: NaN is read as 0.
        case none
        /// 0 (and NaN, read as 0) is missing.
        case zero
        /// NaN is missing.
        case nan
    }

    public enum Split: Sendable, Equatable {
        /// `value <= threshold` goes left (thresholds compared in Double).
        case numerical(threshold: Double, missing: Missing, defaultLeft: Bool)
        /// Categories in the set go left; NaN, negatives and everything else right.
        case categorical(Set<Int>)
    }

    public struct Node: Sendable, Equatable {
        public var feature: Int
        public var split: Split
        public var left: Int
        public var right: Int
    }

    public var nodes: [Node]
    public var leaves: [Double]

    public init(nodes: [Node], leaves: [Double]) {
        self.nodes = nodes
        self.leaves = leaves
    }

    /// LightGBM's `kZeroThreshold` (1e-35 as a float).
    static let zeroThreshold = Double(Float(1e-35))

    /// The leaf value for `features` (indexed by feature number; a feature past the end reads as NaN).
    public func output(_ features: [Double]) -> Double {
        guard !nodes.isEmpty else { return leaves[0] }
        var index = 0
        while index >= 0 {
            let node = nodes[index]
            let value = node.feature < features.count ? features[node.feature] : .nan
            index = Self.goesLeft(value, node.split) ? node.left : node.right
        }
        return leaves[~index]
    }

    static func goesLeft(_ raw: Double, _ split: Split) -> Bool {
        switch split {
        case .numerical(let threshold, let missing, let defaultLeft):
            var value = raw
            if value.isNaN, missing != .nan { value = 0 }
            if (missing == .zero && value >= -zeroThreshold && value <= zeroThreshold) || (missing == .nan && value.isNaN) {
                return defaultLeft
            }
            return value <= threshold
        case .categorical(let categories):
            // NaN and negatives go right; a value is its category truncated toward zero (C's int cast).
            guard !raw.isNaN, raw > -1, raw < Double(Int32.max) else { return false }
            let category = Int(raw)
            return category >= 0 && categories.contains(category)
        }
    }
}
