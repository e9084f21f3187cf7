/// A model's trees laid out for evaluation: every node and leaf of every tree in one array of 16-byte plain
/// values, in preorder (a split's left child is the next entry; its right one is named), and the categorical
/// splits' categories in a second array. Evaluates exactly as `DecisionTree.output`, in the same tree order.
///
/// Why: serving walks some 2 400 trees per forecast round (four horizons), and the walk is bound by memory, not
/// arithmetic. A `DecisionTree.Node` is 40 bytes and holds its categories in a `Set` (each copy of a node retained
/// it: a quarter of the time); these nodes are plain, and 2.5 × as many fit in a cache line, the left child in the
/// same one as its parent.
struct TreeForest: Sendable, Equatable {
    struct Node: Sendable, Equatable {
        /// Numerical split: the threshold. Leaf: its value. Categorical split: the first of its categories in
        /// `categories` (high 32 bits) and how many (low 32), as a bit pattern.
        var value: Double
        /// The right child's index (splits).
        var right: Int32
        var feature: UInt16
        var kind: Kind
        var defaultLeft: Bool

        enum Kind: UInt8, Sendable, Equatable {
            case leaf, numericalMissingNone, numericalMissingZero, numericalMissingNaN, categorical
        }
    }

    private(set) var nodes: [Node] = []
    private(set) var categories: [Int] = []
    /// Each tree's first node.
    private(set) var roots: [Int32] = []

    init(_ trees: [DecisionTree]) {
        for tree in trees {
            roots.append(Int32(nodes.count))
            add(tree.nodes.isEmpty ? ~0 : 0, of: tree)
        }
    }

    /// Appends `index` of `tree` (`~k`: its leaf k) and its subtree, in preorder.
    private mutating func add(_ index: Int, of tree: DecisionTree) {
        guard index >= 0 else {
            nodes.append(Node(value: tree.leaves[~index], right: 0, feature: 0, kind: .leaf, defaultLeft: false))
            return
        }
        let node = tree.nodes[index]
        var flat = Node(value: 0, right: 0, feature: UInt16(node.feature), kind: .categorical, defaultLeft: false)
        switch node.split {
        case .numerical(let threshold, let missing, let defaultLeft):
            flat.value = threshold
            flat.defaultLeft = defaultLeft
            flat.kind = switch missing {
            case .none: .numericalMissingNone
            case .zero: .numericalMissingZero
            case .nan: .numericalMissingNaN
            }
        case .categorical(let set):
            flat.value = Double(bitPattern: UInt64(categories.count) << 32 | UInt64(set.count))
            categories.append(contentsOf: set.sorted())
        }
        let at = nodes.count
        nodes.append(flat)
        add(node.left, of: tree)
        nodes[at].right = Int32(nodes.count)
        add(node.right, of: tree)
    }

    /// The sum of every tree's leaf for `features` (indexed by feature number; a feature past the end reads as NaN).
    func sum(_ features: [Double]) -> Double {
        features.withUnsafeBufferPointer { f in
            nodes.withUnsafeBufferPointer { n in
                categories.withUnsafeBufferPointer { c in
                    var total = 0.0
                    for root in roots {
                        var index = Int(root)
                        while true {
                            let node = n[index]
                            if node.kind == .leaf {
                                total += node.value
                                break
                            }
                            let feature = Int(node.feature)
                            index = Self.goesLeft(feature < f.count ? f[feature] : .nan, node, c) ? index + 1 : Int(node.right)
                        }
                    }
                    return total
                }
            }
        }
    }

    /// `sum` of each of `count` rows laid end to end in `matrix`, `stride` features each: tree by tree over all the
    /// rows, so that a tree's nodes are fetched once for the batch instead of once per row. Each row's trees are
    /// added in the same order as `sum` adds them, so the totals are equal to the last bit.
    func sums(_ matrix: [Double], stride: Int, count: Int) -> [Double] {
        precondition(stride > 0 && matrix.count >= stride * count, "a matrix of \(count) rows of \(stride) features")
        var totals = [Double](repeating: 0, count: count)
        matrix.withUnsafeBufferPointer { f in
            nodes.withUnsafeBufferPointer { n in
                categories.withUnsafeBufferPointer { c in
                    totals.withUnsafeMutableBufferPointer { totals in
                        for root in roots {
                            for row in 0..<count {
                                let base = row * stride
                                var index = Int(root)
                                while true {
                                    let node = n[index]
                                    if node.kind == .leaf {
                                        totals[row] += node.value
                                        break
                                    }
                                    let feature = Int(node.feature)
                                    let raw = feature < stride ? f[base + feature] : .nan
                                    index = Self.goesLeft(raw, node, c) ? index + 1 : Int(node.right)
                                }
                            }
                        }
                    }
                }
            }
        }
        return totals
    }

    @inline(__always)
    static func goesLeft(_ raw: Double, _ node: Node, _ categories: UnsafeBufferPointer<Int>) -> Bool {
        switch node.kind {
        case .numericalMissingNone:
            return (raw.isNaN ? 0 : raw) <= node.value
        case .numericalMissingZero:
            let value = raw.isNaN ? 0 : raw
            if value >= -DecisionTree.zeroThreshold && value <= DecisionTree.zeroThreshold { return node.defaultLeft }
            return value <= node.value
        case .numericalMissingNaN:
            return raw.isNaN ? node.defaultLeft : raw <= node.value
        case .categorical:
            // NaN and negatives go right; a value is its category truncated toward zero (C's int cast).
            guard !raw.isNaN, raw > -1, raw < Double(Int32.max) else { return false }
            let category = Int(raw)
            guard category >= 0 else { return false }
            let bits = node.value.bitPattern
            let start = Int(bits >> 32), count = Int(bits & 0xFFFF_FFFF)
            for i in start..<start + count where categories[i] == category { return true }
            return false
        case .leaf:
            return false
        }
    }
}
