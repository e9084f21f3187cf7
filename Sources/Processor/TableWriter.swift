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
        try Self.checkKinds(of: rows, against: table)
        guard !written.contains(table.name) else {
            throw PGError(kind: .misuse, message: "\(table.name) written twice in one batch: gather its rows into one write")
        }
        written.append(table.name)
        let name = placement[table]
        try session.insertRows(into: name, columns: table.columnNames, rows: &rows, suffix: table.conflictClause(physicalName: name))
    }
}

extension TableWriter {
    /// The first row's fields against the table's declared column types: a value written in the wrong binary
    /// form (an `int64` for an `integer`), or a NULL for a NOT NULL column, is the encoder's bug; sent, the
    /// server would refuse it as bad data and the worker would dead-letter the events that made it.
    public static func checkKinds(of rows: PGBinaryCopyWriter, against table: TableDefinition) throws(PGError) {
        for (column, kind) in zip(table.columns, rows.firstRowKinds) {
            if kind == .null {
                guard column.nullable else {
                    throw PGError(kind: .misuse, message: "\(table.name).\(column.name) is NOT NULL, but a row wrote NULL into it")
                }
            } else if kind != column.type.fieldKind {
                throw PGError(
                    kind: .misuse,
                    message: "\(table.name).\(column.name) is declared \(column.type.sql), but a row wrote it as \(kind); fix the store's encoding")
            }
        }
    }
}

extension SQLType {
    /// The binary form a value of this type is written in.
    var fieldKind: PGBinaryCopyWriter.FieldKind {
        switch self {
        case .text: .text
        case .smallint: .int16
        case .integer: .int32
        case .bigint: .int64
        case .double: .float8
        case .boolean: .bool
        case .timestamptz: .timestamptz
        case .date: .date
        case .jsonb: .jsonb
        case .bytea: .bytes
        case .integerArray: .int32Array
        case .bigintArray: .int64Array
        }
    }
}

extension TableDefinition {
    /// An empty set of rows for this table: every row has its columns' count of fields.
    public func rows(reservingCapacity capacity: Int) -> PGBinaryCopyWriter {
        PGBinaryCopyWriter(columns: columnCount, reservingCapacity: capacity)
    }
}
