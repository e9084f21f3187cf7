import Postgres
import Projections

/// Writes a batch's rows into a projection's tables, under the projection's placement: one statement per
/// table per batch (a second write to the same table in a batch is refused as the bug it is), the column list
/// and conflict handling from the table's declaration, never spelled by the store.
public struct TableWriter: ~Copyable {
    let session: PGSession
    public let placement: TablePlacement
    /// Tables written in this batch (a handful: a linear search beats hashing).
    private var written: [String] = []

    public init(session: PGSession, placement: TablePlacement) {
        self.session = session
        self.placement = placement
    }

    /// Writes `rows` (made by `table.rows(reservingCapacity:)`) into `table` and empties them; nothing when
    /// there are none.
    public mutating func write(_ rows: inout PGBinaryCopyWriter, into table: TableDefinition) throws {
        guard rows.rowCount > 0 else { return }
        guard rows.columns == table.columnCount else {
            throw PGError(
                kind: .misuse,
                message: "rows for \(table.name) were made for \(rows.columns.map(String.init) ?? "no fixed") columns; "
                    + "the table has \(table.columns.count): make them with \(table.name)'s rows(reservingCapacity:)")
        }
        guard !written.contains(table.name) else {
            throw PGError(kind: .misuse, message: "\(table.name) written twice in one batch: gather its rows into one write")
        }
        written.append(table.name)
        let name = placement[table]
        try session.insertRows(into: name, columns: table.columnNames, rows: &rows, suffix: table.conflictClause(physicalName: name))
    }
}

extension TableDefinition {
    /// An empty set of rows for this table: every row has its columns' count of fields.
    public func rows(reservingCapacity capacity: Int) -> PGBinaryCopyWriter {
        PGBinaryCopyWriter(columns: columnCount, reservingCapacity: capacity)
    }
}
