import Events
import Hummingbird
import Postgres

/// Writes query results as JSON objects, one per row, with the columns' JSON types declared once: the
/// read endpoints that return table rows as they are need no model type per table.
struct ResultJSON {
    enum Kind { case text, int, double, bool, time }

    let columns: [(name: String, kind: Kind)]

    init(_ columns: [(String, Kind)]) { self.columns = columns.map { (name: $0.0, kind: $0.1) } }

    /// The SELECT list, in order (the column names are constants of the service, never request input).
    var selectList: String { columns.map(\.name).joined(separator: ", ") }

    func write(row: Int, of r: PGResult, to json: inout JSONWriter) throws {
        json.beginObject()
        try writeFields(row: row, of: r, to: &json)
        json.endObject()
    }

    /// The row's columns as members of the object being written.
    func writeFields(row: Int, of r: PGResult, to json: inout JSONWriter) throws {
        for (i, column) in columns.enumerated() {
            json.key(column.name)
            switch column.kind {
            case .text: json.optional(r.string(row, i))
            case .int: json.optional(try r.int(row, i))
            case .double: json.optional(try r.double(row, i))
            case .bool: if let b = try r.bool(row, i) { json.bool(b) } else { json.null() }
            case .time: json.optional(try r.timestamp(row, i).map(Timestamp.init(microseconds:)))
            }
        }
    }

    /// `{"<idName>": id, <extra fields>, "<key>": [rows]}`: the shape of the row-list answers.
    func listResponse(
        idName: String, id: String, key: String, _ r: PGResult, bytesPerRow: Int,
        extra: (inout JSONWriter) throws -> Void = { _ in }
    ) throws -> Response {
        var json = JSONWriter(capacity: 160 + r.rowCount * bytesPerRow)
        json.beginObject()
        json.key(idName); json.string(id)
        try extra(&json)
        json.key(key); json.beginArray()
        for row in 0..<r.rowCount { try write(row: row, of: r, to: &json) }
        json.endArray()
        json.endObject()
        return .json(json)
    }
}
