/// When a newly trained model may replace the active one: only when it does better on the same held-out rows
/// (lower mean absolute error over the horizons). Without an active model, any model that was evaluated may
/// start serving.
public enum ModelActivationRule {
    public enum Decision: Sendable, Equatable {
        case activate
        /// Refused, with the figures that say why.
        case refuse(reason: String)
    }

    /// `candidate` and `active` are both scored on the same rows (nil `active`: no model is active).
    public static func decide(candidate: WaitModelEvaluation, active: WaitModelEvaluation?, activeVersion: Int?) -> Decision {
        guard !candidate.horizons.isEmpty else { return .refuse(reason: "it has no evaluation on a holdout") }
        guard let active, let activeVersion else { return .activate }
        let horizons = Set(candidate.horizons.map(\.minutes))
        guard horizons == Set(active.horizons.map(\.minutes)) else {
            return .refuse(reason: "it was not scored at the same horizons as model \(activeVersion)")
        }
        let mine = candidate.meanMAE, theirs = active.meanMAE
        guard mine < theirs else {
            return .refuse(reason: "its mean MAE \(format(mine)) min is not below active model \(activeVersion)'s \(format(theirs)) min on the same holdout")
        }
        return .activate
    }

    /// The candidate against the incumbent scores stored with it at training (same rows).
    public static func decide(trained: WaitModelEvaluation) -> Decision {
        guard let version = trained.incumbentVersion else { return decide(candidate: trained, active: nil, activeVersion: nil) }
        guard trained.incumbentMeanMAE != nil else { return .refuse(reason: "model \(version) could not be scored on its holdout") }
        var incumbent = trained
        for i in incumbent.horizons.indices { incumbent.horizons[i].model = incumbent.horizons[i].incumbent! }
        return decide(candidate: trained, active: incumbent, activeVersion: version)
    }

    static func format(_ v: Double) -> String { String(Double((v * 100).rounded()) / 100) }
}
