/// How a fold's state key (`"park/attraction"`, `"session/driver"`, `"facility"`) maps onto the key columns of
/// a table that mirrors the fold's state: the one description the generic state loader reads rows by.
public struct StateKey: Sendable, Equatable {
    /// Where a two-part key splits, for parts that may themselves contain `/`.
    public enum Split: Sendable, Equatable {
        /// The key is the one column.
        case whole
        /// At the first `/` (the second part may contain `/`: an attraction id).
        case firstSlash
        /// At the last `/` (the first part may contain `/`: a session id before a car number).
        case lastSlash
    }

    /// The key columns, in the order of the key's parts.
    public let columns: [String]
    public let split: Split

    public init(_ columns: [String], split: Split) {
        precondition((split == .whole) == (columns.count == 1), "a whole key has one column, a split one two")
        self.columns = columns
        self.split = split
    }

    public static func whole(_ column: String) -> StateKey { StateKey([column], split: .whole) }

    /// The key's parts in column order, nil for a key that does not split.
    public func parts(of key: String) -> [String]? {
        let slash: String.Index?
        switch split {
        case .whole: return [key]
        case .firstSlash: slash = key.firstIndex(of: "/")
        case .lastSlash: slash = key.lastIndex(of: "/")
        }
        guard let slash else { return nil }
        return [String(key[..<slash]), String(key[key.index(after: slash)...])]
    }

    /// The key of a row's parts (the inverse of `parts(of:)`).
    public func key(_ parts: [String]) -> String { parts.joined(separator: "/") }
}
