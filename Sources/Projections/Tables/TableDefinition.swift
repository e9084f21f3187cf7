/// A projection's table, declared once: its logical name, the columns a batch writes (in the order its rows
/// encode them), its key, how a row meets an existing one with the same key, and whether it is a hypertable.
///
/// The physical name comes from a `TablePlacement` (schema, version suffix) chosen by the runtime, so a second
/// instance of a projection can live beside the live one. Migrations create the table (SQL files name it
/// `{{name}}`); the migrator checks the result against this declaration.
public struct TableDefinition: Sendable, Equatable {
    /// How a written row meets an existing row with the same key.
    public enum Conflict: Sendable, Equatable {
        /// Rows are only appended (history). A key, if any, is never written twice.
        case append
        /// The new row replaces every non-key column (current state).
        case replace
        /// Each listed column is set to an SQL expression over the stored row (`{{table}}.column`) and the new
        /// one (`EXCLUDED.column`): partial aggregates that sum up across batches.
        case merge([Assignment])
    }

    /// `column = expression` in a merge.
    public struct Assignment: Sendable, Equatable {
        public let column: String
        public let expression: String

        public init(_ column: String, _ expression: String) {
            self.column = column
            self.expression = expression
        }
    }

    /// A TimescaleDB hypertable's time column and chunk interval (`'1 day'`).
    public struct Hypertable: Sendable, Equatable {
        public let timeColumn: String
        public let chunkInterval: String

        public init(timeColumn: String, chunkInterval: String) {
            self.timeColumn = timeColumn
            self.chunkInterval = chunkInterval
        }
    }

    /// The logical name: the `{{name}}` of migrations, and the physical name under the default placement.
    public let name: String
    /// Written columns in the order a row encodes them (generated columns are not written, and not listed).
    public let columns: [Column]
    /// The key a `replace` or `merge` conflicts on (the table's primary key).
    public let key: [String]
    public let conflict: Conflict
    public let hypertable: Hypertable?
    /// Set when its rows are (part of) the projection's fold state: how a state key maps onto its key columns,
    /// by which the state of a batch's keys is read back from it.
    public let stateKey: StateKey?
    public var mirrorsState: Bool { stateKey != nil }

    public init(
        _ name: String, columns: [Column], key: [String] = [], conflict: Conflict = .append, hypertable: Hypertable? = nil,
        stateKey: StateKey? = nil
    ) {
        self.name = name
        self.columns = columns
        self.key = key
        self.conflict = conflict
        self.hypertable = hypertable
        self.stateKey = stateKey
        let names = columns.map(\.name)
        precondition(Set(names).count == names.count, "table \(name): a column is declared twice")
        precondition(key.allSatisfy(names.contains), "table \(name): a key column is not a column")
        precondition(conflict == .append || !key.isEmpty, "table \(name): \(conflict) needs a key")
        if let h = hypertable { precondition(names.contains(h.timeColumn), "table \(name): the hypertable column is not a column") }
        if let s = stateKey { precondition(s.columns.allSatisfy(names.contains), "table \(name): a state key column is not a column") }
    }

    public var columnNames: [String] { columns.map(\.name) }
    /// Fields per row, as binary COPY counts them.
    public var columnCount: Int16 { Int16(columns.count) }

    /// The SQL after a multi-row `INSERT` into `physicalName` that applies `conflict` (empty for `append`).
    public func conflictClause(physicalName: String) -> String {
        switch conflict {
        case .append:
            return ""
        case .replace:
            let updates = columns.lazy.map(\.name).filter { !key.contains($0) }.map { "\($0) = EXCLUDED.\($0)" }
            return "ON CONFLICT (\(key.joined(separator: ", "))) DO UPDATE SET \(updates.joined(separator: ", "))"
        case .merge(let sets):
            let updates = sets.map { "\($0.column) = " + Self.substitute($0.expression, table: physicalName) }
            return "ON CONFLICT (\(key.joined(separator: ", "))) DO UPDATE SET \(updates.joined(separator: ", "))"
        }
    }

    /// `{{table}}` in `expression` replaced by `table` (no Foundation in this pure module).
    static func substitute(_ expression: String, table: String) -> String {
        let parts = expression.split(separator: "{{table}}", omittingEmptySubsequences: false)
        return parts.joined(separator: table)
    }
}
