import NIOCore

/// The text/event-stream wire format (WHATWG HTML, "Server-sent events"): appends frames to a buffer.
enum ServerSentEvents {
    /// `id:`, `event:` and the data, one `data:` line per line of it (a line break inside the data would end
    /// the field otherwise; JSON never needs one, but a record's value is not ours to trust).
    static func appendEvent(id: String?, event: String, data: some Collection<UInt8>, to buffer: inout ByteBuffer) {
        if let id {
            buffer.writeStaticString("id: ")
            buffer.writeString(id)
            buffer.writeStaticString("\n")
        }
        buffer.writeStaticString("event: ")
        buffer.writeString(event)
        buffer.writeStaticString("\ndata: ")
        var lineStart = data.startIndex
        var i = data.startIndex
        while i != data.endIndex {
            let c = data[i]
            if c == UInt8(ascii: "\n") || c == UInt8(ascii: "\r") {
                buffer.writeBytes(data[lineStart..<i])
                buffer.writeStaticString("\ndata: ")
                // CRLF is one line break.
                let next = data.index(after: i)
                if c == UInt8(ascii: "\r"), next != data.endIndex, data[next] == UInt8(ascii: "\n") { i = next }
                lineStart = data.index(after: i)
            }
            i = data.index(after: i)
        }
        buffer.writeBytes(data[lineStart..<data.endIndex])
        buffer.writeStaticString("\n\n")
    }

    /// A comment line: ignored by clients, it keeps the connection busy for proxies.
    static func appendComment(_ text: StaticString, to buffer: inout ByteBuffer) {
        buffer.writeStaticString(": ")
        buffer.writeStaticString(text)
        buffer.writeStaticString("\n\n")
    }

    /// How long a client waits before reconnecting, in milliseconds.
    static func appendRetry(milliseconds: Int, to buffer: inout ByteBuffer) {
        buffer.writeString("retry: \(milliseconds)\n\n")
    }
}
