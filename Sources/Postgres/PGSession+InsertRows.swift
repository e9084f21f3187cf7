extension PGSession {
    /// Most parameters a statement built by `insertRows` carries; above this, binary COPY.
    public static let insertValuesParameterLimit = 1_024

    /// Inserts a writer's rows into `table` and empties the writer (keeping its buffer).
    ///
    /// Small batches go as one `INSERT … VALUES (…), (…) <suffix>` with the fields as binary parameters:
    /// one round trip, where COPY needs two (and an upsert through a staging table four), which is most of
    /// the commit time of a latency-bound fold writing a handful of rows. Large batches go by binary COPY,
    /// far cheaper per row; a `suffix` (e.g. `ON CONFLICT …`) then needs a staging table, which is what
    /// `stagingTable` names: `LIKE table`, created when first needed, emptied at commit.
    ///
    /// - Parameters:
    ///   - columns: the target columns, in the writer's field order.
    ///   - suffix: SQL after the VALUES list, e.g. `ON CONFLICT (id) DO NOTHING`; empty for a plain append.
    /// - Returns: the rows inserted (or updated, for an upsert).
    @discardableResult
    public func insertRows(
        into table: String, columns: [String], rows: inout PGBinaryCopyWriter, suffix: String = ""
    ) throws(PGError) -> Int {
        guard rows.rowCount > 0 else { return 0 }
        let list = columns.joined(separator: ", ")
        if rows.rowCount * columns.count <= Self.insertValuesParameterLimit {
            var sql = "INSERT INTO \(table) (\(list)) VALUES "
            sql.reserveCapacity(sql.utf8.count + rows.rowCount * columns.count * 6 + suffix.utf8.count)
            var parameter = 0
            for row in 0..<rows.rowCount {
                sql += row == 0 ? "(" : ", ("
                for column in 0..<columns.count {
                    parameter += 1
                    sql += column == 0 ? "$\(parameter)" : ", $\(parameter)"
                }
                sql += ")"
            }
            if !suffix.isEmpty { sql += " " + suffix }
            let inserted = try execute(sql, fieldsOf: rows).affectedRows
            rows.removeAllRows()
            return inserted
        }
        guard !suffix.isEmpty else {
            return try copyIn("COPY \(table) (\(list)) FROM STDIN (FORMAT binary)", rows: &rows)
        }
        // IF NOT EXISTS each time rather than remembered: a rolled-back transaction takes a table created
        // inside it away again. One round trip more is nothing beside a COPY this large.
        let stage = Self.stagingTable(for: table)
        try execute("CREATE TEMP TABLE IF NOT EXISTS \(stage) (LIKE \(table)) ON COMMIT DELETE ROWS")
        try copyIn("COPY \(stage) (\(list)) FROM STDIN (FORMAT binary)", rows: &rows)
        return try execute("INSERT INTO \(table) (\(list)) SELECT \(list) FROM \(stage) \(suffix)").affectedRows
    }

    /// The session-private table large upserts into `table` are staged in.
    public static func stagingTable(for table: String) -> String {
        "turnstile_stage_" + String(table.map { $0 == "." ? "_" : $0 })
    }
}
