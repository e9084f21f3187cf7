import Postgres
import Projections

/// How every projection's fold state is read back: from the rows of its tables that mirror it (declared with a
/// `StateKey`), written with each batch, once per key (or per changed part of a key) as the batch left it.
/// A state that is a document (a session, a facility) mirrors as one JSON column of such a row; one made of
/// many parts (an attraction's 168 hour-of-week baselines) as many rows, so a batch rewrites only the parts it
/// changed. One statement per mirror table loads the states of all of a batch's uncached keys.
public enum StateMirror {
    /// The rows of `table` (every declared column, by name) whose state key is one of `keys`. Keys that do not
    /// split into the table's key columns match nothing.
    public static func rows(of table: TableDefinition, keys: [String], placement: TablePlacement, session: PGSession) throws -> PGResult? {
        guard let stateKey = table.stateKey else {
            throw PGError(kind: .misuse, message: "\(table.name) does not mirror fold state: declare its stateKey")
        }
        var parts = [[String?]](repeating: [], count: stateKey.columns.count)
        for key in keys {
            guard let split = stateKey.parts(of: key) else { continue }
            for (i, part) in split.enumerated() { parts[i].append(part) }
        }
        guard !(parts.first?.isEmpty ?? true) else { return nil }
        let columns = table.columnNames.map { "t.\($0)" }.joined(separator: ", ")
        let unnest = stateKey.columns.indices.map { "$\($0 + 1)::text[]" }.joined(separator: ", ")
        let names = stateKey.columns.indices.map { "k\($0)" }.joined(separator: ", ")
        // Compared in the column's own type, so the key columns' index is used.
        let match = stateKey.columns.enumerated().map { i, column in
            let type = table.columns.first { $0.name == column }!.type
            return type == .text ? "t.\(column) = k.k\(i)" : "t.\(column) = k.k\(i)::\(type.sql)"
        }.joined(separator: " AND ")
        return try session.execute(
            "SELECT \(columns) FROM \(placement[table]) t JOIN unnest(\(unnest)) AS k(\(names)) ON \(match)",
            parts.map { .textArray($0) })
    }

    /// The state key of row `row` of a result of `rows(of:…)`.
    public static func key(of row: Int, in result: PGResult, table: TableDefinition) throws -> String {
        guard let stateKey = table.stateKey else { return "" }
        return stateKey.key(try stateKey.columns.map { try result.string(row, $0) ?? "" })
    }
}
