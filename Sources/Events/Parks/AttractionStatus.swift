/// An attraction's operating status, as the feeds report it.
public enum AttractionStatus: String, Sendable, CaseIterable, Hashable {
    case operating = "OPERATING"
    case down = "DOWN"
    case closed = "CLOSED"
    case refurbishment = "REFURBISHMENT"

    /// Only operating attractions have a meaningful wait, count towards baselines and crowd levels.
    public var isOpen: Bool { self == .operating }
}
