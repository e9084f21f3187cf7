import CLibPQ

/// The rows (or command status) a statement returned, decoded on demand from PostgreSQL's text format, or
/// from its binary format for the types that are worth it (integers, text, bytea: see
/// `PGSession.execute(_:_:binaryResults:)`).
///
/// Cells stay inside libpq's `PGresult` until read: no copy per cell, and reading one is a pointer
/// lookup plus a parse. Out-of-range row or column indexes are programmer errors and trap, like array
/// indexing; a NULL cell reads as nil; a cell that does not parse as the requested type throws
/// a `.decoding` error.
public struct PGResult: Sendable {
    private let storage: Storage

    init(taking result: OpaquePointer, sql: String) {
        storage = Storage(result, sql: sql)
    }

    /// Number of rows returned.
    public var rowCount: Int { Int(PQntuples(storage.result)) }
    public var columnCount: Int { Int(PQnfields(storage.result)) }
    public var columnNames: [String] { storage.columnNames }
    /// Rows inserted, updated, deleted, copied, ... (`PQcmdTuples`); 0 for statements that report none.
    public var affectedRows: Int { Int(String(cString: PQcmdTuples(storage.result))) ?? 0 }
    /// The command tag, e.g. `INSERT 0 1` or `SELECT 3`.
    public var commandStatus: String { String(cString: PQcmdStatus(storage.result)) }

    /// The type OID of a column (see `PGValue.TypeOID`), e.g. for rendering results generically.
    public func columnTypeOID(_ column: Int) -> UInt32 {
        checkColumn(column)
        return UInt32(PQftype(storage.result, Int32(column)))
    }

    /// The index of the column with exactly this name (case-sensitive, as the server spells it).
    public func columnIndex(named name: String) -> Int? {
        storage.columnNames.firstIndex(of: name)
    }

    // MARK: - Cells by index

    public func isNull(_ row: Int, _ column: Int) -> Bool {
        checkCell(row, column)
        return PQgetisnull(storage.result, Int32(row), Int32(column)) != 0
    }

    public func string(_ row: Int, _ column: Int) -> String? {
        withCell(row, column) { String(decoding: $0, as: UTF8.self) }
    }

    public func int(_ row: Int, _ column: Int) throws(PGError) -> Int64? {
        if isBinary(column) { return try decode(row, column, as: "a binary smallint, integer or bigint") { Self.parseBinaryInt($0) } }
        return try decode(row, column, as: "an integer") { Self.parseInt($0) }
    }

    public func double(_ row: Int, _ column: Int) throws(PGError) -> Double? {
        try requireText(column, "a floating-point number")
        return try decode(row, column, as: "a floating-point number") { bytes in
            // Swift's parser is locale-independent and accepts NaN / Infinity / -Infinity.
            Double(String(decoding: bytes, as: UTF8.self))
        }
    }

    public func bool(_ row: Int, _ column: Int) throws(PGError) -> Bool? {
        try requireText(column, "a boolean")
        return try decode(row, column, as: "a boolean") { bytes in
            switch bytes.count == 1 ? bytes[0] : 0 {
            case UInt8(ascii: "t"): true
            case UInt8(ascii: "f"): false
            default: nil
            }
        }
    }

    /// Microseconds since the Unix epoch of a `timestamptz`, `timestamp` (read as UTC) or `date` cell.
    public func timestamp(_ row: Int, _ column: Int) throws(PGError) -> Int64? {
        try requireText(column, "a timestamp")
        return try decode(row, column, as: "a timestamp") { PGTimestampText.parse(utf8: $0) }
    }

    /// The bytes of a `bytea` cell (hex output format, which the session sets on connect; or binary, as is).
    public func bytes(_ row: Int, _ column: Int) throws(PGError) -> [UInt8]? {
        if isBinary(column) { return withCell(row, column) { Array($0) } }
        return try decode(row, column, as: "bytea") { Self.parseHexBytea($0) }
    }

    /// A one-dimensional array of any element type, as the elements' text forms.
    public func textArray(_ row: Int, _ column: Int) throws(PGError) -> [String?]? {
        try requireText(column, "a one-dimensional array")
        return try decode(row, column, as: "a one-dimensional array") { PGArrayText.parse(utf8: $0) }
    }

    /// A one-dimensional integer array.
    public func intArray(_ row: Int, _ column: Int) throws(PGError) -> [Int64?]? {
        try requireText(column, "a one-dimensional integer array")
        return try decode(row, column, as: "a one-dimensional integer array") { bytes in
            guard let elements = PGArrayText.parse(utf8: bytes) else { return nil }
            var values: [Int64?] = []
            values.reserveCapacity(elements.count)
            for element in elements {
                guard let element else {
                    values.append(nil)
                    continue
                }
                guard let value = Int64(element) else { return nil }
                values.append(value)
            }
            return values
        }
    }

    // MARK: - Cells by column name

    public func isNull(_ row: Int, _ column: String) throws(PGError) -> Bool {
        try isNull(row, index(of: column))
    }

    public func string(_ row: Int, _ column: String) throws(PGError) -> String? {
        try string(row, index(of: column))
    }

    public func int(_ row: Int, _ column: String) throws(PGError) -> Int64? {
        try int(row, index(of: column))
    }

    public func double(_ row: Int, _ column: String) throws(PGError) -> Double? {
        try double(row, index(of: column))
    }

    public func bool(_ row: Int, _ column: String) throws(PGError) -> Bool? {
        try bool(row, index(of: column))
    }

    public func timestamp(_ row: Int, _ column: String) throws(PGError) -> Int64? {
        try timestamp(row, index(of: column))
    }

    public func bytes(_ row: Int, _ column: String) throws(PGError) -> [UInt8]? {
        try bytes(row, index(of: column))
    }

    public func textArray(_ row: Int, _ column: String) throws(PGError) -> [String?]? {
        try textArray(row, index(of: column))
    }

    public func intArray(_ row: Int, _ column: String) throws(PGError) -> [Int64?]? {
        try intArray(row, index(of: column))
    }

    // MARK: - Decoding

    private func index(of name: String) throws(PGError) -> Int {
        guard let index = columnIndex(named: name) else {
            throw PGError(
                kind: .decoding,
                message: "no column named \"\(name)\" (columns: \(columnNames.joined(separator: ", ")))",
                sql: storage.sql)
        }
        return index
    }

    private func checkCell(_ row: Int, _ column: Int) {
        precondition(row >= 0 && row < rowCount, "row \(row) out of range 0..<\(rowCount)")
        checkColumn(column)
    }

    private func checkColumn(_ column: Int) {
        precondition(column >= 0 && column < columnCount, "column \(column) out of range 0..<\(columnCount)")
    }

    /// Runs `body` on the cell's bytes; nil for NULL.
    private func withCell<T>(_ row: Int, _ column: Int, _ body: (UnsafeBufferPointer<UInt8>) -> T) -> T? {
        checkCell(row, column)
        let result = storage.result
        let (r, c) = (Int32(row), Int32(column))
        if PQgetisnull(result, r, c) != 0 { return nil }
        let length = Int(PQgetlength(result, r, c))
        return PQgetvalue(result, r, c).withMemoryRebound(to: UInt8.self, capacity: length) {
            body(UnsafeBufferPointer(start: $0, count: length))
        }
    }

    /// Only integers, text and bytea are read in binary format; anything else asked of a binary column is a
    /// programming error reported as one, never a misreading of its bytes.
    private func requireText(_ column: Int, _ typeName: String) throws(PGError) {
        guard isBinary(column) else { return }
        throw PGError(
            kind: .decoding,
            message: "column \"\(columnNames[column])\" came in binary format, which is not read as \(typeName): ask for text results",
            sql: storage.sql)
    }

    /// Whether a column came in binary format (the statement asked for binary results).
    private func isBinary(_ column: Int) -> Bool {
        checkColumn(column)
        return PQfformat(storage.result, Int32(column)) == 1
    }

    private func decode<T>(
        _ row: Int, _ column: Int, as typeName: String, _ parse: (UnsafeBufferPointer<UInt8>) -> T?
    ) throws(PGError) -> T? {
        let parsed: T?? = withCell(row, column, parse)
        switch parsed {
        case .none: return nil
        case .some(.some(let value)): return value
        case .some(.none):
            let text = string(row, column) ?? ""
            let name = columnNames[column]
            throw PGError(
                kind: .decoding,
                message: "column \"\(name)\" row \(row): \"\(text.prefix(60))\" is not \(typeName)",
                sql: storage.sql)
        }
    }

    /// Decimal Int64 with optional sign, rejecting overflow and anything else.
    static func parseInt(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard !bytes.isEmpty else { return nil }
        var i = 0
        let negative = bytes[0] == UInt8(ascii: "-")
        if negative || bytes[0] == UInt8(ascii: "+") { i = 1 }
        guard i < bytes.count else { return nil }
        var value: Int64 = 0
        while i < bytes.count {
            let digit = bytes[i] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            // Accumulate negatively so Int64.min parses too.
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (next, o2) = times10.subtractingReportingOverflow(Int64(digit))
            guard !o1 && !o2 else { return nil }
            value = next
            i += 1
        }
        if negative { return value }
        return value == .min ? nil : -value
    }

    /// A big-endian two's-complement integer of 2, 4 or 8 bytes (binary `smallint`, `integer`, `bigint`).
    static func parseBinaryInt(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard bytes.count == 2 || bytes.count == 4 || bytes.count == 8 else { return nil }
        var value: UInt64 = 0
        for byte in bytes { value = value << 8 | UInt64(byte) }
        let unused = UInt64(64 - 8 * bytes.count)
        // Sign-extends from the cell's width.
        return Int64(bitPattern: value << unused) >> Int64(unused)
    }

    /// `\x0a1b...` → bytes.
    static func parseHexBytea(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        guard bytes.count >= 2, bytes[0] == UInt8(ascii: "\\"), bytes[1] == UInt8(ascii: "x"),
            bytes.count % 2 == 0
        else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count - 2) / 2)
        var i = 2
        while i < bytes.count {
            guard let high = hexValue(bytes[i]), let low = hexValue(bytes[i + 1]) else { return nil }
            out.append(high << 4 | low)
            i += 2
        }
        return out
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

extension PGResult {
    /// Owns the `PGresult` and frees it with the last copy of the result.
    ///
    /// `@unchecked Sendable`: libpq documents a `PGresult` as read-only after creation and safe to
    /// read from several threads; nothing here mutates it, and `PQclear` runs only in `deinit`.
    fileprivate final class Storage: @unchecked Sendable {
        let result: OpaquePointer
        let sql: String
        let columnNames: [String]

        init(_ result: OpaquePointer, sql: String) {
            self.result = result
            self.sql = sql
            columnNames = (0..<PQnfields(result)).map { String(cString: PQfname(result, $0)) }
        }

        deinit { PQclear(result) }
    }
}
