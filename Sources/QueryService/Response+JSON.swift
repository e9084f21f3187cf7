import Events
import Hummingbird

extension Response {
    /// A JSON answer from bytes a `JSONWriter` produced (no Codable round trip on the hot path).
    static func json(_ writer: JSONWriter, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status,
            headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: writer.bytes)))
    }
}

extension Response {
    /// `{"<idName>": id, <extra members>, "<key>": [rows], <after members>}`: the shape of every list answer.
    static func list<Row>(
        idName: String, id: String, key: String, _ rows: [Row], bytesPerRow: Int,
        extra: (inout JSONWriter) -> Void = { _ in }, after: (inout JSONWriter) -> Void = { _ in },
        write: (Row, inout JSONWriter) -> Void
    ) -> Response {
        var json = JSONWriter(capacity: 192 + rows.count * bytesPerRow)
        json.beginObject()
        json.key(idName); json.string(id)
        extra(&json)
        json.key(key); json.beginArray()
        for row in rows { write(row, &json) }
        json.endArray()
        after(&json)
        json.endObject()
        return .json(json)
    }
}
