import Events
import Forecasting
import Foundation
import TestSupport
import Testing

/// The Swift evaluator against the library itself: LightGBM (installed by ops/install) trains two models whose
/// trees use every path (NaN and zero as missing, categorical splits, exp and identity links) and predicts a
/// holdout; the Swift predictions from the dumped JSON must equal the library's to 1e-6.
@Suite("LightGBMParityTests", .enabled(if: TestStack.enabled))
struct LightGBMParityTests {
    @Test func swiftPredictionsEqualTheLibrarysOnTheHoldout() throws {
        // Where ops/install put its tools (ops/env.sh exports it; the checkout's .tools by default).
        let tools = TestStack.environment["TURNSTILE_TOOLS"] ?? TestStack.repository + "/.tools"
        let python = tools + "/venv/bin/python"
        try #require(FileManager.default.isExecutableFile(atPath: python), "no \(python): run ops/install (it installs LightGBM)")
        let out = NSTemporaryDirectory() + "turnstile-lightgbm-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: out) }
        let training = Process()
        training.executableURL = URL(fileURLWithPath: python)
        training.arguments = [TestStack.repository + "/ops/lightgbm-parity.py", out, "7"]
        try training.run()
        training.waitUntilExit()
        try #require(training.terminationStatus == 0, "ops/lightgbm-parity.py failed")

        func read(_ name: String) throws -> [UInt8] { Array(try #require(FileManager.default.contents(atPath: out + "/" + name))) }
        let holdout = try JSONParser.parse(try read("holdout.json"))
        let rows = try #require(holdout["features"]?.arrayValue).map { row in
            (row.arrayValue ?? []).map { $0.doubleValue ?? .nan }
        }
        try #require(rows.count == 1_000)
        for name in ["poisson", "regression_zero_missing"] {
            let model = try BoostedTreesModel.lightGBM(json: try read(name + ".json"))
            let expected = try #require(holdout["predictions"]?[name]?.arrayValue).compactMap(\.doubleValue)
            try #require(expected.count == rows.count)
            var worst = 0.0
            for (row, want) in zip(rows, expected) { worst = max(worst, abs(model.predict(row) - want)) }
            #expect(worst <= 1e-6, "\(name): largest difference \(worst)")

            // The trees really took the paths this test is for.
            let splits = model.trees.flatMap(\.nodes).map(\.split)
            #expect(splits.contains { if case .categorical = $0 { true } else { false } }, "\(name): no categorical split")
            let missing: DecisionTree.Missing = name == "poisson" ? .nan : .zero
            #expect(splits.contains { if case .numerical(_, missing, _) = $0 { true } else { false } }, "\(name): no \(missing) split")
        }
    }
}
