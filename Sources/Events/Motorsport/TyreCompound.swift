/// Tyre compounds as timing feeds name them.
public enum TyreCompound: String, Sendable, CaseIterable, Equatable {
    case soft = "SOFT"
    case medium = "MEDIUM"
    case hard = "HARD"
    case intermediate = "INTERMEDIATE"
    case wet = "WET"
    /// Feeds say so before the first stint is known.
    case unknown = "UNKNOWN"
}
