/// Gives the physical (qualified) name of a declared table. A fixed placement answers one way for every table;
/// a `TableDirectory` answers per projection (each one's active version); the query service's
/// `SharedTableDirectory` follows promotions while it serves.
public protocol TableNaming: Sendable {
    subscript(_ table: TableDefinition) -> String { get }
    /// Where the table of logical name `table` is (its version's placement: its offsets live there too).
    func placement(of table: String) -> TablePlacement
}

extension TablePlacement: TableNaming {
    public func placement(of table: String) -> TablePlacement { self }
}
