/// Where each declared table is, when projections live in different places: a placement per logical table
/// name (the tables of a projection whose active version is not the original one), the default for the rest.
public struct TableDirectory: TableNaming, Equatable {
    public var fallback: TablePlacement
    public private(set) var placements: [String: TablePlacement]

    public init(fallback: TablePlacement = .live, placements: [String: TablePlacement] = [:]) {
        self.fallback = fallback
        self.placements = placements
    }

    /// Places every table of `tables` (one projection's) at `placement`.
    public mutating func place(_ tables: [TableDefinition], at placement: TablePlacement) {
        for table in tables { placements[table.name] = placement }
    }

    public func placement(of table: String) -> TablePlacement { placements[table] ?? fallback }

    public subscript(_ table: TableDefinition) -> String { placement(of: table.name).name(table.name) }

    /// The physical name of a logical table name.
    public func name(_ logical: String) -> String { placement(of: logical).name(logical) }
}
