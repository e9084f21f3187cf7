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
