import Postgres

extension PGSession {
    /// Upserts rows keyed by `key`, updating every other column: one `INSERT … ON CONFLICT (key) DO UPDATE`
    /// statement however many rows (see `insertRows` for how small and large batches travel). The rows must
    /// have distinct keys, as in any single `ON CONFLICT DO UPDATE`.
    func upsertRows(into table: String, columns: [String], key: [String], rows: inout PGBinaryCopyWriter) throws {
        let updates = columns.filter { !key.contains($0) }.map { "\($0) = EXCLUDED.\($0)" }.joined(separator: ", ")
        try insertRows(
            into: table, columns: columns, rows: &rows,
            suffix: "ON CONFLICT (\(key.joined(separator: ", "))) DO UPDATE SET \(updates)")
    }
}
