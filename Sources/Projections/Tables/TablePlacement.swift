/// Where a projection's tables live: an optional schema and a suffix (a version), applied to every logical
/// table name in this one place. The live projection uses the default (public schema, no suffix); a rebuild
/// places the same definition beside it (`TablePlacement(suffix: "_v2")`).
public struct TablePlacement: Sendable, Equatable, Hashable {
    public let schema: String?
    public let suffix: String

    public init(schema: String? = nil, suffix: String = "") {
        precondition(schema.map(Self.isIdentifier) ?? true, "schema '\(schema ?? "")' is not a plain SQL identifier")
        precondition(suffix.isEmpty || Self.isIdentifier("t" + suffix), "suffix '\(suffix)' is not a plain SQL identifier part")
        self.schema = schema
        self.suffix = suffix
    }

    public static let live = TablePlacement()

    /// Where version `number` of `projection` lives: version 1 is the original set (`live`), every later one
    /// a schema of its own, `<projection>_v<number>`, so a version is dropped whole with its schema.
    public static func version(_ number: Int, of projection: String) -> TablePlacement {
        precondition(number >= 1, "versions count from 1")
        return number == 1 ? .live : TablePlacement(schema: "\(projection)_v\(number)")
    }

    /// The physical (qualified) name of `table` under this placement.
    public subscript(_ table: TableDefinition) -> String { name(table.name) }

    /// The physical name of a logical table name.
    public func name(_ logical: String) -> String {
        if let schema { return schema + "." + logical + suffix }
        return logical + suffix
    }

    /// Lower-case letters, digits and underscores, not starting with a digit: needs no quoting anywhere.
    public static func isIdentifier(_ s: String) -> Bool {
        guard let first = s.utf8.first, !(48...57).contains(first), s.utf8.count <= 63 else { return false }
        return s.utf8.allSatisfy { (97...122).contains($0) || (48...57).contains($0) || $0 == 95 }
    }
}
