import Forecasting
import Foundation
import Testing

/// LightGBM's tree semantics, on a hand-made dump: numerical splits with each missing type and default side,
/// categorical splits ("1||4"), single-leaf trees, the objectives' links, and the errors a damaged dump gives.
@Suite struct BoostedTreesModelTests {
    static func dump(objective: String = "regression", average: Bool = false, classes: Int = 1) -> [UInt8] {
        Array("""
        {"name":"tree","version":"v4","num_class":\(classes),"num_tree_per_iteration":1,"objective":"\(objective)",
         "average_output":\(average),"feature_names":["level","trend","weekday","minutes"],
         "tree_info":[
          {"tree_index":0,"num_leaves":3,"shrinkage":1,"tree_structure":
            {"split_index":0,"split_feature":0,"threshold":1.5,"decision_type":"<=","default_left":true,"missing_type":"None",
             "left_child":{"leaf_index":0,"leaf_value":1.0},
             "right_child":{"split_index":1,"split_feature":1,"threshold":0,"decision_type":"<=","default_left":false,"missing_type":"Zero",
               "left_child":{"leaf_index":1,"leaf_value":2.0},"right_child":{"leaf_index":2,"leaf_value":3.0}}}},
          {"tree_index":1,"num_leaves":3,"shrinkage":0.1,"tree_structure":
            {"split_index":0,"split_feature":2,"threshold":"1||4","decision_type":"==","default_left":false,"missing_type":"NaN",
             "left_child":{"leaf_index":0,"leaf_value":10},
             "right_child":{"split_index":1,"split_feature":3,"threshold":5.0,"decision_type":"<=","default_left":true,"missing_type":"NaN",
               "left_child":{"leaf_index":1,"leaf_value":20},"right_child":{"leaf_index":2,"leaf_value":30}}}},
          {"tree_index":2,"num_leaves":1,"shrinkage":1,"tree_structure":{"leaf_value":0.5}}
         ]}
        """.utf8)
    }

    let model = try! BoostedTreesModel.lightGBM(json: dump())

    @Test func numericalSplitsFollowTheirMissingTypes() {
        let t = model.trees[0]
        #expect(t.output([1.0, 0, 0, 0]) == 1.0, "1.0 <= 1.5")
        #expect(t.output([1.5, 0, 0, 0]) == 1.0, "equal goes left")
        #expect(t.output([.nan, 0, 0, 0]) == 1.0, "missing None: NaN reads as 0")
        #expect(t.output([2.0, 0.0, 0, 0]) == 3.0, "missing Zero: 0 is missing, default right")
        #expect(t.output([2.0, .nan, 0, 0]) == 3.0, "missing Zero: NaN reads as 0, so missing")
        #expect(t.output([2.0, 1e-36, 0, 0]) == 3.0, "within LightGBM's zero threshold")
        #expect(t.output([2.0, -0.5, 0, 0]) == 2.0, "-0.5 <= 0")
        #expect(t.output([2.0, 1e-30, 0, 0]) == 3.0, "1e-30 > 0")
    }

    @Test func categoricalSplitsTakeTheirSetLeftAndTheRestRight() {
        let t = model.trees[1]
        #expect(t.output([0, 0, 1, 99]) == 10)
        #expect(t.output([0, 0, 4.7, 99]) == 10, "4.7 is category 4 (truncated)")
        #expect(t.output([0, 0, 2, 5]) == 20, "not in the set: right, then 5 <= 5")
        #expect(t.output([0, 0, 2, 5.000001]) == 30)
        #expect(t.output([0, 0, .nan, .nan]) == 20, "NaN category goes right; NaN minutes missing, default left")
        #expect(t.output([0, 0, -1, 6]) == 30, "negative categories go right")
        #expect(t.output([0, 0, -0.5, 6]) == 30, "-0.5 is category 0, not in the set")
        #expect(t.output([0, 0, 1e12, 6]) == 30, "beyond any category")
    }

    @Test func theModelSumsItsTreesThroughTheObjectivesLink() throws {
        let x: [Double] = [1.0, 0, 1, 99]
        #expect(model.rawScore(x) == 1.0 + 10 + 0.5)
        #expect(model.predict(x) == 11.5)
        #expect(model.trees[2].output(x) == 0.5, "a single leaf")
        let poisson = try BoostedTreesModel.lightGBM(json: Self.dump(objective: "poisson max_delta_step:0.7"))
        #expect(abs(poisson.predict(x) - exp(11.5)) < 1e-9)
        let binary = try BoostedTreesModel.lightGBM(json: Self.dump(objective: "binary sigmoid:2"))
        #expect(abs(binary.predict([1.0, 0, 7, 99]) - 1 / (1 + exp(-2 * 21.5))) < 1e-12)
        let forest = try BoostedTreesModel.lightGBM(json: Self.dump(average: true))
        #expect(forest.predict(x) == 11.5 / 3)
        #expect(model.featureNames == ["level", "trend", "weekday", "minutes"])
        #expect(model.trees[0].output([2.0]) == 3.0, "features past the end read as NaN (missing)")
    }

    /// The model walks its trees laid out flat (`TreeForest`): on every combination of edge values, and on rows
    /// too short, the same sum as the trees one by one.
    @Test func theLaidOutTreesGiveWhatTheTreesGive() {
        let values: [Double] = [.nan, -1, -0.5, 0, 1e-36, 1e-30, 1, 1.5, 2, 4, 4.7, 5, 5.000001, 99, 1e12]
        var rows: [[Double]] = [[], [2.0], [2.0, 0], [0, 0, 4]]
        for a in values { for b in values { for c in values { for d in values { rows.append([a, b, c, d]) } } } }
        let mismatches = rows.filter { row in model.rawScore(row) != model.trees.reduce(0) { $0 + $1.output(row) } }
        #expect(mismatches.isEmpty, "first: \(mismatches.prefix(3))")
        // Tree by tree over all the rows at once (short rows padded with NaN, as missing): each row's own value, bit for bit.
        var matrix = [Double](repeating: .nan, count: rows.count * 4)
        for (i, row) in rows.enumerated() { for (j, value) in row.enumerated() { matrix[i * 4 + j] = value } }
        let together = model.predict(matrix: matrix, stride: 4, count: rows.count)
        #expect(together.count == rows.count)
        #expect(zip(rows, together).allSatisfy { model.predict($0).bitPattern == $1.bitPattern })
    }

    @Test func aDamagedDumpSaysWhereItIsWrong() {
        func failure(_ text: String) -> ModelFormatError? {
            do {
                _ = try BoostedTreesModel.lightGBM(json: Array(text.utf8))
                return nil
            } catch { return error }
        }
        #expect(failure("not json")?.path == "$")
        #expect(failure(#"{"objective":"regression"}"#)?.path == "tree_info")
        #expect(failure(String(decoding: Self.dump(classes: 3), as: UTF8.self))?.path == "num_class")
        #expect(failure(String(decoding: Self.dump(objective: "lambdarank"), as: UTF8.self))?.path == "objective")
        let badType = String(decoding: Self.dump(), as: UTF8.self).replacingOccurrences(of: #""decision_type":"==""#, with: #""decision_type":"!=""#)
        #expect(failure(badType)?.path == "tree_info[1].tree_structure.decision_type")
        let badCategory = String(decoding: Self.dump(), as: UTF8.self).replacingOccurrences(of: "1||4", with: "1||x")
        #expect(failure(badCategory)?.path == "tree_info[1].tree_structure.threshold")
        let badLeaf = String(decoding: Self.dump(), as: UTF8.self).replacingOccurrences(of: #""leaf_value":0.5"#, with: #""leaf_value":"x""#)
        #expect(failure(badLeaf)?.path == "tree_info[2].tree_structure.leaf_value")
    }

    @Test func deepTreesAreRead() throws {
        // A chain 500 splits deep: an event may not nest like this; a model's trees may.
        var node = #"{"leaf_value":7}"#
        for depth in (0..<500).reversed() {
            node = #"{"split_feature":0,"threshold":\#(depth).5,"decision_type":"<=","default_left":true,"missing_type":"None","left_child":{"leaf_value":\#(depth)},"right_child":\#(node)}"#
        }
        let text = #"{"objective":"regression","tree_info":[{"tree_structure":\#(node)}]}"#
        let deep = try BoostedTreesModel.lightGBM(json: Array(text.utf8))
        #expect(deep.predict([250.0]) == 250)
        #expect(deep.predict([1e9]) == 7)
    }
}
