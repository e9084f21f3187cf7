/// The answers of a batch's forecast rounds, with the active model's scored for all of them at once: a first pass
/// over the batch (on copies of its states) records each round's feature rows, `score()` walks the active model's
/// trees once per horizon for all of them (`WaitForecastModel.predict(_:horizon:)` on many rows), and the real
/// pass takes the answers in turn. The fallback chain then runs per row as it does alone, so a batch's forecasts
/// are the ones its rounds would get one at a time.
///
/// Why: serving walks thousands of trees per round, and one round at a time it is bound by fetching their nodes
/// (most of a fold's time); a tree walked for a whole batch of rows is fetched once.
struct ForecastRoundScores {
    enum Mode { case direct, recording, replaying }

    /// The chain every round of the batch asks (one snapshot: a model activated meanwhile serves the next batch).
    let chain: ForecastChain
    private(set) var mode: Mode
    private var requests: [(horizon: Int, row: [Double])] = []
    private var answers: [Double?] = []
    private var next = 0

    /// Each round asks the chain when it comes (a single step, or a batch without an active model).
    init(direct chain: ForecastChain) {
        self.chain = chain
        mode = .direct
    }

    /// Rounds are only recorded until `score()`.
    init(recording chain: ForecastChain) {
        self.chain = chain
        mode = .recording
    }

    /// Records a round's row (recording), or answers it.
    mutating func forecast(_ row: [Double], horizon: Int) -> ForecastChain.Forecast? {
        switch mode {
        case .direct:
            return chain.forecast(row, horizon: horizon)
        case .recording:
            requests.append((horizon, row))
            return nil
        case .replaying:
            guard next < requests.count, requests[next].horizon == horizon, Self.same(requests[next].row, row) else {
                // Out of step with the first pass (it cannot be while both passes fold alike): answer one by one.
                assertionFailure("round \(next) of \(requests.count) differs from the recording pass")
                mode = .direct
                return chain.forecast(row, horizon: horizon)
            }
            defer { next += 1 }
            return chain.forecast(row, horizon: horizon, activeModelSays: answers[next])
        }
    }

    /// Scores the recorded rows with the active model, horizon by horizon; then answers them in the same order.
    mutating func score() {
        precondition(mode == .recording, "score() follows the recording pass")
        answers = Array(repeating: nil, count: requests.count)
        if let model = chain.active?.model {
            var byHorizon: [Int: [Int]] = [:]
            for (i, request) in requests.enumerated() { byHorizon[request.horizon, default: []].append(i) }
            for (horizon, indices) in byHorizon {
                guard let values = model.predict(indices.map { requests[$0].row }, horizon: horizon) else { continue }
                for (i, value) in zip(indices, values) { answers[i] = value }
            }
        }
        mode = .replaying
    }

    /// Equal rows, bit for bit (a missing feature is NaN, which `==` never finds equal).
    static func same(_ a: [Double], _ b: [Double]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { $0.bitPattern == $1.bitPattern }
    }
}
