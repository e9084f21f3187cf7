import Events
import Forecasting
import Foundation
import Processor

/// Text and JSON renderings of trained models for `train` and the `models` commands.
enum ModelReport {
    static func minutes(_ v: Double) -> String { String(format: "%.2f", v) }

    /// Per horizon: the model, both baselines (MAE / P90 absolute error, minutes), the ratio to the better
    /// baseline, and the incumbent on the same rows.
    static func evaluationTable(_ e: WaitModelEvaluation) -> String {
        var header = ["HORIZON", "ROWS", "MODEL MAE/P90", "PERSISTENCE", "SEASONAL-NAIVE", "÷ BETTER", "BEATS BOTH"]
        if let v = e.incumbentVersion { header.append("MODEL \(v) (ACTIVE)") }
        var rows = [header]
        for h in e.horizons {
            func pair(_ s: WaitModelEvaluation.Scores) -> String { "\(minutes(s.mae)) / \(minutes(s.p90))" }
            var row = [
                "\(h.minutes) min", String(h.rows), pair(h.model), pair(h.persistence), pair(h.seasonalNaive),
                String(format: "%.3f", h.ratioToBetterBaseline), h.beatsBothBaselines ? "yes" : "NO",
            ]
            if e.incumbentVersion != nil { row.append(h.incumbent.map(pair) ?? "-") }
            rows.append(row)
        }
        return TextTable.render(rows)
    }

    static func list(_ models: [RegisteredModel]) -> String {
        var rows = [["VERSION", "KIND", "STATUS", "CREATED", "TRAINED ON", "HOLDOUT FROM", "MAE 15/30/60/120", "÷ BETTER AT 60"]]
        for m in models {
            let e = try? WaitModelEvaluation(json: m.metrics)
            let maes = e.map { $0.horizons.map { minutes($0.model.mae) }.joined(separator: " / ") } ?? "-"
            let ratio = e?[60].map { String(format: "%.3f", $0.ratioToBetterBaseline) } ?? "-"
            rows.append([
                String(m.version), m.kind, m.status.rawValue, day(m.createdAt, time: true), "\(day(m.trainFrom)) … \(day(m.trainTo))",
                day(m.holdoutFrom), maes, ratio,
            ])
        }
        return TextTable.render(rows)
    }

    static func day(_ t: Timestamp, time: Bool = false) -> String {
        let text = t.description
        return String(text.prefix(time ? 16 : 10)).replacingOccurrences(of: "T", with: " ")
    }

    static func show(_ m: RegisteredModel) -> String {
        var lines = [
            "model \(m.version) (\(m.kind)): \(m.status.rawValue)",
            "  created      \(m.createdAt)" + (m.activatedAt.map { ", last activated \($0)" } ?? ""),
            "  trained on   \(m.trainFrom) … \(m.holdoutFrom) (seed \(m.seed), \(String(format: "%.1f", m.trainingSeconds)) s)",
            "  holdout      \(m.holdoutFrom) … \(m.trainTo)",
            "  features     \(m.features.joined(separator: ", "))",
            "  model bytes  \(m.model.count)",
        ]
        if let e = try? WaitModelEvaluation(json: m.metrics) {
            lines.append("")
            lines.append(evaluationTable(e))
        }
        return lines.joined(separator: "\n")
    }

    static func json(_ m: RegisteredModel) -> String {
        var w = JSONWriter(capacity: 1_024)
        w.beginObject()
        w.key("version"); w.int(m.version)
        w.key("kind"); w.string(m.kind)
        w.key("status"); w.string(m.status.rawValue)
        w.key("created_at"); w.timestamp(m.createdAt)
        w.key("activated_at"); w.optional(m.activatedAt)
        w.key("train_from"); w.timestamp(m.trainFrom)
        w.key("train_to"); w.timestamp(m.trainTo)
        w.key("holdout_from"); w.timestamp(m.holdoutFrom)
        w.key("holdout_to"); w.timestamp(m.holdoutTo)
        w.key("seed"); w.int(Int64(bitPattern: m.seed))
        w.key("features"); w.beginArray(); for f in m.features { w.string(f) }; w.endArray()
        w.key("training_seconds"); w.double(m.trainingSeconds)
        w.key("metrics"); w.raw(m.metrics)
        w.endObject()
        return w.string
    }
}
