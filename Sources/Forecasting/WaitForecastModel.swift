import Events

/// A trained wait-time model as the registry keeps it: one booster per horizon, read from a bundle of
/// LightGBM dumps (`{"15": <dump_model JSON>, "30": …}`), checked against the features this build computes.
public struct WaitForecastModel: Sendable, Equatable {
    /// Minutes ahead → its booster.
    public var boosters: [Int: BoostedTreesModel]

    public init(boosters: [Int: BoostedTreesModel]) { self.boosters = boosters }

    /// Reads a bundle; every horizon's booster must use exactly `WaitFeatures.names` (a model trained on other
    /// features cannot be served by this build).
    public init(bundle bytes: [UInt8]) throws(ModelFormatError) {
        let document: JSONValue
        do {
            document = try JSONParser.parse(bytes, maxDepth: 4_100)
        } catch {
            throw ModelFormatError(path: "$", reason: "not JSON: \(error)")
        }
        guard let members = document.objectValue, !members.isEmpty else {
            throw ModelFormatError(path: "$", reason: "a bundle is an object of horizons (minutes) to LightGBM dumps")
        }
        var boosters: [Int: BoostedTreesModel] = [:]
        for (key, dump) in members {
            guard let minutes = Int(key), minutes > 0 else {
                throw ModelFormatError(path: key, reason: "not a horizon in minutes")
            }
            let booster = try BoostedTreesModel.lightGBM(document: dump, path: key)
            guard booster.featureNames == WaitFeatures.names else {
                throw ModelFormatError(
                    path: key + ".feature_names",
                    reason: "\(booster.featureNames) differ from this build's features \(WaitFeatures.names): retrain with this build")
            }
            boosters[minutes] = booster
        }
        self.boosters = boosters
    }

    /// The bundle of per-horizon dumps, in horizon order.
    public static func bundle(_ dumps: [Int: [UInt8]]) -> [UInt8] {
        var w = JSONWriter(capacity: dumps.values.reduce(64) { $0 + $1.count + 16 })
        w.beginObject()
        for (minutes, dump) in dumps.sorted(by: { $0.key < $1.key }) {
            w.key(String(minutes))
            w.raw(dump)
        }
        w.endObject()
        return w.bytes
    }

    /// The forecast `horizon` minutes ahead from a `WaitFeatures` row (nil: no booster for that horizon).
    /// Waits are never negative.
    public func predict(_ row: [Double], horizon: Int) -> Double? {
        boosters[horizon].map { max(0, $0.predict(row)) }
    }

    /// `predict` of many rows for one horizon, the trees walked once for all of them (nil: no booster for it).
    public func predict(_ rows: [[Double]], horizon: Int) -> [Double]? {
        guard let booster = boosters[horizon] else { return nil }
        let stride = rows.lazy.map(\.count).max() ?? 0
        guard stride > 0 else { return rows.map { _ in max(0, booster.predict([])) } }
        var matrix = [Double](repeating: .nan, count: stride * rows.count)
        for (i, row) in rows.enumerated() {
            matrix.withUnsafeMutableBufferPointer { m in
                for (j, value) in row.enumerated() { m[i * stride + j] = value }
            }
        }
        return booster.predict(matrix: matrix, stride: stride, count: rows.count).map { max(0, $0) }
    }
}
