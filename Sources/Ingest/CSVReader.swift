import Events

/// A small RFC 4180 reader for the CSV feeds (no CSV package is available, and the feeds are small).
///
/// Beyond RFC 4180, as real exports need: a leading UTF-8 BOM is dropped; LF, CRLF and lone CR all end a
/// record; blank lines are skipped; spaces and tabs around a field are trimmed (a stray trailing TAB, a blank
/// written as a single space) except inside quotes, where everything, line breaks included, is kept.
/// Text after a closing quote is kept as written, as Python's csv module does.
public struct CSVReader: Sendable {
    public struct Row: Sendable, Equatable {
        /// Physical line (1-based) where the record starts, to name it in skip reasons.
        public var line: Int
        public var fields: [String]

        public init(line: Int, fields: [String]) {
            self.line = line
            self.fields = fields
        }

        /// The field at `index`, nil when the record is shorter.
        public subscript(_ index: Int?) -> String? {
            guard let index, index < fields.count else { return nil }
            return fields[index]
        }
    }

    /// Broken quoting: nothing after it can be trusted, so the whole payload is refused.
    public struct SyntaxError: Error, Sendable, CustomStringConvertible {
        public var line: Int
        public var reason: String
        public var description: String { "line \(line): \(reason)" }
    }

    public init() {}

    public func rows(_ bytes: [UInt8]) throws(SyntaxError) -> [Row] {
        let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), lf = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")
        func isBlank(_ c: UInt8) -> Bool { c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") }
        let n = bytes.count
        var i = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        var line = 1
        var rows: [Row] = []
        var fields: [String] = []
        var rowLine = 1
        var field: [UInt8] = []
        // Whether the record had a quoted field: `""` alone on a line is a record, a blank line is not.
        var quoted = false

        /// The bytes up to the next comma or line break, without trailing blanks.
        func unquotedText() -> ArraySlice<UInt8> {
            let start = i
            while i < n, bytes[i] != comma, bytes[i] != lf, bytes[i] != cr { i += 1 }
            var end = i
            while end > start, isBlank(bytes[end - 1]) { end -= 1 }
            return bytes[start..<end]
        }
        func endRecord() {
            if fields.count > 1 || !fields[0].isEmpty || quoted { rows.append(Row(line: rowLine, fields: fields)) }
            fields.removeAll(keepingCapacity: true)
            quoted = false
        }

        while i < n {
            if fields.isEmpty { rowLine = line }
            while i < n, isBlank(bytes[i]) { i += 1 }
            field.removeAll(keepingCapacity: true)
            if i < n, bytes[i] == quote {
                quoted = true
                let openedAt = line
                i += 1
                while true {
                    guard i < n else { throw SyntaxError(line: openedAt, reason: "quoted field never closed") }
                    let c = bytes[i]
                    i += 1
                    if c == quote {
                        guard i < n, bytes[i] == quote else { break }
                        i += 1
                    } else if c == lf || (c == cr && !(i < n && bytes[i] == lf)) {
                        line += 1
                    }
                    field.append(c)
                }
            }
            // Unquoted text, or what follows a closing quote (kept as written).
            field.append(contentsOf: unquotedText())
            fields.append(String(decoding: field, as: UTF8.self))
            if i < n, bytes[i] == comma {
                i += 1
                // A comma at the very end of the payload still ends an (empty) last field.
                if i == n { fields.append("") }
                continue
            }
            if i < n {
                // A line break: CRLF counts once.
                if bytes[i] == cr, i + 1 < n, bytes[i + 1] == lf { i += 1 }
                i += 1
                line += 1
            }
            endRecord()
        }
        if !fields.isEmpty { endRecord() }
        return rows
    }

    /// Column positions by header name; nil for a name the header lacks.
    public static func columns(_ header: Row) -> [String: Int] {
        var index: [String: Int] = [:]
        for (i, name) in header.fields.enumerated() where index[name] == nil { index[name] = i }
        return index
    }
}

extension FeedBatch {
    /// Appends the event a CSV row made unless an earlier row made one with the same id (an exact duplicate
    /// row, or the same reading re-exported): the feed said it once, so it becomes one event. The later row
    /// is reported as skipped, saying whether its values differ.
    mutating func append(_ event: EventEnvelope, line: Int, firstByID: inout [String: (line: Int, index: Int)]) {
        if let first = firstByID[event.id] {
            skipped.append(
                events[first.index].payload == event.payload
                    ? "line \(line): duplicate of line \(first.line)"
                    : "line \(line): same reading as line \(first.line) with other values; line \(first.line) kept")
            return
        }
        firstByID[event.id] = (line, events.count)
        events.append(event)
    }
}
