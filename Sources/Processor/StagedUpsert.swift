import Postgres

extension PGSession {
    /// Upserts rows sent by binary COPY: the rows go to a session-private staging table (emptied at commit),
    /// then one `INSERT … ON CONFLICT (key) DO UPDATE` moves them: three round trips however many rows,
    /// instead of one statement per row. The staging table is created with IF NOT EXISTS each time, not
    /// remembered: a rolled-back transaction takes a table created inside it away again.
    func upsertStaged(into table: String, columns: [String], key: [String], rows: inout PGBinaryCopyWriter) throws {
        let stage = "turnstile_stage_\(table)"
        let list = columns.joined(separator: ", ")
        _ = try execute("CREATE TEMP TABLE IF NOT EXISTS \(stage) (LIKE \(table)) ON COMMIT DELETE ROWS")
        _ = try copyIn("COPY \(stage) (\(list)) FROM STDIN (FORMAT binary)", rows: &rows)
        let updates = columns.filter { !key.contains($0) }.map { "\($0) = EXCLUDED.\($0)" }.joined(separator: ", ")
        _ = try execute(
            """
            INSERT INTO \(table) (\(list)) SELECT \(list) FROM \(stage)
            ON CONFLICT (\(key.joined(separator: ", "))) DO UPDATE SET \(updates)
            """)
    }
}
