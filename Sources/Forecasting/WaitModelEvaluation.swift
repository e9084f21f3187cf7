import Events

/// How a model did on its holdout, per horizon, beside both baselines (and the model that was active when it
/// was trained, on the same rows): what `train` prints, the registry stores, and activation compares.
public struct WaitModelEvaluation: Sendable, Equatable {
    public struct Scores: Sendable, Equatable {
        public var mae: Double
        public var p90: Double
        public init(mae: Double, p90: Double) {
            self.mae = mae
            self.p90 = p90
        }
        init?(_ accuracy: ForecastAccuracy) {
            guard let mae = accuracy.meanAbsoluteError, let p90 = accuracy.p90AbsoluteError else { return nil }
            self.init(mae: mae, p90: p90)
        }
    }

    public struct Horizon: Sendable, Equatable {
        public var minutes: Int
        public var rows: Int
        public var model: Scores
        public var persistence: Scores
        public var seasonalNaive: Scores
        /// The model active when this one was trained, on the same rows.
        public var incumbent: Scores?

        public init(minutes: Int, rows: Int, model: Scores, persistence: Scores, seasonalNaive: Scores, incumbent: Scores? = nil) {
            self.minutes = minutes
            self.rows = rows
            self.model = model
            self.persistence = persistence
            self.seasonalNaive = seasonalNaive
            self.incumbent = incumbent
        }

        public func scores(of baseline: ForecastBaseline) -> Scores {
            baseline == .persistence ? persistence : seasonalNaive
        }
        /// The baseline with the lower MAE: the fallback chain's first baseline for this horizon.
        public var betterBaseline: ForecastBaseline {
            persistence.mae <= seasonalNaive.mae ? .persistence : .seasonalNaive
        }
        /// The model's MAE ÷ the better baseline's (the quality bar asks ≤ 0.85 at 60 minutes).
        public var ratioToBetterBaseline: Double { model.mae / scores(of: betterBaseline).mae }
        public var beatsBothBaselines: Bool { model.mae < persistence.mae && model.mae < seasonalNaive.mae }
    }

    public var horizons: [Horizon]
    public var incumbentVersion: Int?

    public init(horizons: [Horizon], incumbentVersion: Int? = nil) {
        self.horizons = horizons
        self.incumbentVersion = incumbentVersion
    }

    public subscript(minutes: Int) -> Horizon? { horizons.first { $0.minutes == minutes } }

    public var meanMAE: Double { horizons.map(\.model.mae).reduce(0, +) / Double(max(1, horizons.count)) }
    public var incumbentMeanMAE: Double? {
        let scores = horizons.compactMap(\.incumbent)
        guard scores.count == horizons.count, !scores.isEmpty else { return nil }
        return scores.map(\.mae).reduce(0, +) / Double(scores.count)
    }

    /// Accumulates the errors of every forecaster on the same holdout rows.
    public struct Accumulator: Sendable {
        var model: [Int: ForecastAccuracy] = [:]
        var persistence: [Int: ForecastAccuracy] = [:]
        var seasonalNaive: [Int: ForecastAccuracy] = [:]
        var incumbent: [Int: ForecastAccuracy] = [:]

        public init() {}

        /// One holdout row: counted only when both baselines can answer it, so that all compare on the same rows.
        public mutating func add(horizon: Int, row: [Double], actual: Double, model prediction: Double, incumbent: Double? = nil) {
            guard let p = ForecastBaseline.persistence.predict(row), let s = ForecastBaseline.seasonalNaive.predict(row) else { return }
            model[horizon, default: .init()].add(predicted: prediction, actual: actual)
            persistence[horizon, default: .init()].add(predicted: p, actual: actual)
            seasonalNaive[horizon, default: .init()].add(predicted: s, actual: actual)
            if let incumbent { self.incumbent[horizon, default: .init()].add(predicted: incumbent, actual: actual) }
        }

        public func evaluation(incumbentVersion: Int? = nil) -> WaitModelEvaluation {
            let horizons = model.keys.sorted().compactMap { h -> Horizon? in
                guard let m = Scores(model[h]!), let p = persistence[h].flatMap(Scores.init), let s = seasonalNaive[h].flatMap(Scores.init)
                else { return nil }
                return Horizon(minutes: h, rows: model[h]!.count, model: m, persistence: p, seasonalNaive: s, incumbent: incumbent[h].flatMap(Scores.init))
            }
            return WaitModelEvaluation(horizons: horizons, incumbentVersion: incumbentVersion)
        }
    }

    // MARK: JSON (the registry's `metrics` column)

    public var json: [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        if let incumbentVersion { w.key("incumbent_version"); w.int(incumbentVersion) }
        w.key("horizons")
        w.beginArray()
        for h in horizons {
            w.beginObject()
            w.key("minutes"); w.int(h.minutes)
            w.key("rows"); w.int(h.rows)
            func scores(_ name: String, _ s: Scores) {
                w.key(name)
                w.beginObject()
                w.key("mae"); w.double(s.mae)
                w.key("p90"); w.double(s.p90)
                w.endObject()
            }
            scores("model", h.model)
            scores("persistence", h.persistence)
            scores("seasonal_naive", h.seasonalNaive)
            if let i = h.incumbent { scores("incumbent", i) }
            w.key("better_baseline"); w.string(h.betterBaseline.rawValue)
            w.endObject()
        }
        w.endArray()
        w.endObject()
        return w.bytes
    }

    public init(json bytes: [UInt8]) throws(ModelFormatError) {
        let document: JSONValue
        do { document = try JSONParser.parse(bytes) } catch { throw ModelFormatError(path: "metrics", reason: "not JSON: \(error)") }
        guard let list = document["horizons"]?.arrayValue else { throw ModelFormatError(path: "metrics.horizons", reason: "missing") }
        func scores(_ v: JSONValue?, _ path: String) throws(ModelFormatError) -> Scores {
            guard let mae = v?["mae"]?.doubleValue, let p90 = v?["p90"]?.doubleValue else {
                throw ModelFormatError(path: path, reason: "needs mae and p90")
            }
            return Scores(mae: mae, p90: p90)
        }
        var horizons: [Horizon] = []
        for (i, h) in list.enumerated() {
            let path = "metrics.horizons[\(i)]"
            guard let minutes = h["minutes"]?.int64Value, let rows = h["rows"]?.int64Value else {
                throw ModelFormatError(path: path, reason: "needs minutes and rows")
            }
            horizons.append(Horizon(
                minutes: Int(minutes), rows: Int(rows), model: try scores(h["model"], path + ".model"),
                persistence: try scores(h["persistence"], path + ".persistence"),
                seasonalNaive: try scores(h["seasonal_naive"], path + ".seasonal_naive"),
                incumbent: h["incumbent"] == nil ? nil : try scores(h["incumbent"], path + ".incumbent")))
        }
        self.init(horizons: horizons, incumbentVersion: document["incumbent_version"]?.int64Value.map(Int.init))
    }
}
