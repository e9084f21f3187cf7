import Events

/// A gradient-boosted tree model exported as data (LightGBM's `dump_model()` JSON) and evaluated here, with no
/// Python at serving time: the sum of every tree's leaf (leaf values already carry the learning rate) through
/// the objective's link.
public struct BoostedTreesModel: Sendable, Equatable {
    public let featureNames: [String]
    public let trees: [DecisionTree]
    public let objective: TreeObjective
    /// Random-forest mode: the trees' mean instead of their sum.
    public let averageOutput: Bool
    /// The same trees, laid out to be walked (what `rawScore` evaluates).
    let forest: TreeForest

    public init(featureNames: [String], trees: [DecisionTree], objective: TreeObjective, averageOutput: Bool = false) {
        self.featureNames = featureNames
        self.trees = trees
        self.objective = objective
        self.averageOutput = averageOutput
        forest = TreeForest(trees)
    }

    /// Before the link: the trees' sum (or mean).
    public func rawScore(_ features: [Double]) -> Double {
        let sum = forest.sum(features)
        return averageOutput && !trees.isEmpty ? sum / Double(trees.count) : sum
    }

    public func predict(_ features: [Double]) -> Double { objective.transform(rawScore(features)) }

    /// `predict` of each of `count` rows laid end to end in `matrix`, `stride` features each (a feature past a
    /// row's end reads as NaN): the same values, the trees walked once for all the rows (`TreeForest.sums`).
    public func predict(matrix: [Double], stride: Int, count: Int) -> [Double] {
        forest.sums(matrix, stride: stride, count: count).map { sum in
            objective.transform(averageOutput && !trees.isEmpty ? sum / Double(trees.count) : sum)
        }
    }

    // MARK: LightGBM's dump

    /// Reads `Booster.dump_model()` JSON (one class, no linear trees).
    public static func lightGBM(json bytes: [UInt8]) throws(ModelFormatError) -> BoostedTreesModel {
        let document: JSONValue
        do {
            // Trees nest two levels per split: far deeper than an event may.
            document = try JSONParser.parse(bytes, maxDepth: 4_096)
        } catch {
            throw ModelFormatError(path: "$", reason: "not JSON: \(error)")
        }
        return try lightGBM(document: document)
    }

    /// Reads a parsed `Booster.dump_model()` document (`path` names it in errors, as inside a bundle).
    public static func lightGBM(document: JSONValue, path root: String = "") throws(ModelFormatError) -> BoostedTreesModel {
        func at(_ p: String) -> String { root.isEmpty ? p : root + "." + p }
        let classes = document["num_class"]?.int64Value ?? 1
        guard classes == 1 else { throw ModelFormatError(path: at("num_class"), reason: "\(classes) classes: only one is supported") }
        guard let objective = document["objective"]?.stringValue else {
            throw ModelFormatError(path: at("objective"), reason: "missing")
        }
        let names = (document["feature_names"]?.arrayValue ?? []).compactMap(\.stringValue)
        guard let info = document["tree_info"]?.arrayValue else { throw ModelFormatError(path: at("tree_info"), reason: "missing") }
        var trees: [DecisionTree] = []
        for (i, tree) in info.enumerated() {
            let path = at("tree_info[\(i)]")
            if tree["is_linear"]?.boolValue == true { throw ModelFormatError(path: path, reason: "linear trees are not supported") }
            guard let structure = tree["tree_structure"] else { throw ModelFormatError(path: path + ".tree_structure", reason: "missing") }
            var builder = TreeBuilder()
            let root = try builder.add(structure, path: path + ".tree_structure")
            if root < 0, builder.nodes.isEmpty {
                trees.append(DecisionTree(nodes: [], leaves: builder.leaves))
            } else {
                trees.append(DecisionTree(nodes: builder.nodes, leaves: builder.leaves))
            }
        }
        return BoostedTreesModel(
            featureNames: names, trees: trees, objective: try TreeObjective.lightGBM(objective),
            averageOutput: document["average_output"]?.boolValue ?? false)
    }

    /// Flattens a nested tree: nodes in preorder (the root first, index 0), leaves in the order met.
    struct TreeBuilder {
        var nodes: [DecisionTree.Node] = []
        var leaves: [Double] = []

        /// Adds `node` and its subtree; returns its index (`~leaf` for a leaf).
        mutating func add(_ node: JSONValue, path: String) throws(ModelFormatError) -> Int {
            if let value = node["leaf_value"] {
                guard let leaf = value.doubleValue else { throw ModelFormatError(path: path + ".leaf_value", reason: "not a number") }
                leaves.append(leaf)
                return ~(leaves.count - 1)
            }
            guard let feature = node["split_feature"]?.int64Value, feature >= 0 else {
                throw ModelFormatError(path: path + ".split_feature", reason: "missing or negative (neither a split nor a leaf)")
            }
            guard feature <= Int64(UInt16.max) else {
                throw ModelFormatError(path: path + ".split_feature", reason: "\(feature) is beyond the \(UInt16.max) features a model may have")
            }
            guard let left = node["left_child"], let right = node["right_child"] else {
                throw ModelFormatError(path: path, reason: "a split without left_child and right_child")
            }
            let split: DecisionTree.Split
            switch node["decision_type"]?.stringValue {
            case "<="?:
                guard let threshold = node["threshold"]?.doubleValue else {
                    throw ModelFormatError(path: path + ".threshold", reason: "a numerical split needs a number")
                }
                let missing: DecisionTree.Missing
                switch node["missing_type"]?.stringValue ?? "None" {
                case "None": missing = .none
                case "Zero": missing = .zero
                case "NaN": missing = .nan
                case let other: throw ModelFormatError(path: path + ".missing_type", reason: "'\(other)' (None, Zero or NaN)")
                }
                split = .numerical(threshold: threshold, missing: missing, defaultLeft: node["default_left"]?.boolValue ?? false)
            case "=="?:
                // Categories as "0||3||5" (a single one may come as a number).
                let text = node["threshold"]?.stringValue ?? node["threshold"]?.int64Value.map { String($0) }
                guard let text else { throw ModelFormatError(path: path + ".threshold", reason: "a categorical split needs categories") }
                var categories = Set<Int>()
                for part in text.split(separator: "|", omittingEmptySubsequences: true) {
                    guard let c = Int(part), c >= 0 else {
                        throw ModelFormatError(path: path + ".threshold", reason: "'\(part)' is not a category number")
                    }
                    categories.insert(c)
                }
                split = .categorical(categories)
            case let other:
                throw ModelFormatError(path: path + ".decision_type", reason: "'\(other ?? "missing")' (<= or ==)")
            }
            let index = nodes.count
            nodes.append(DecisionTree.Node(feature: Int(feature), split: split, left: 0, right: 0))
            let l = try add(left, path: path + ".left_child")
            let r = try add(right, path: path + ".right_child")
            nodes[index].left = l
            nodes[index].right = r
            return index
        }
    }
}
