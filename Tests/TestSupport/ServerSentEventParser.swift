/// A client's reading of text/event-stream (WHATWG HTML, "Server-sent events"), for tests: fed bytes as they
/// come, it gives the dispatched events and counts the comments. The browser's own `EventSource` is the other
/// client the tests use (the dashboard's page test).
public struct ServerSentEventParser: Sendable {
    public struct Event: Sendable, Equatable {
        /// The last event id in effect when it was dispatched (ids stick until changed).
        public var id: String
        public var name: String
        public var data: String

        public init(id: String, name: String, data: String) {
            self.id = id
            self.name = name
            self.data = data
        }
    }

    public private(set) var events: [Event] = []
    public private(set) var comments: [String] = []
    public private(set) var retry: Int?
    private var lastID = ""
    private var name = ""
    private var data: [String] = []
    private var line: [UInt8] = []
    private var sawCR = false

    public init() {}

    public mutating func feed(_ bytes: some Sequence<UInt8>) {
        for b in bytes {
            if sawCR {
                sawCR = false
                if b == UInt8(ascii: "\n") { continue }
            }
            if b == UInt8(ascii: "\n") || b == UInt8(ascii: "\r") {
                sawCR = b == UInt8(ascii: "\r")
                handle(String(decoding: line, as: UTF8.self))
                line = []
            } else {
                line.append(b)
            }
        }
    }

    private mutating func handle(_ text: String) {
        if text.isEmpty {
            if !data.isEmpty || !name.isEmpty {
                events.append(Event(id: lastID, name: name.isEmpty ? "message" : name, data: data.joined(separator: "\n")))
            }
            name = ""
            data = []
            return
        }
        if text.hasPrefix(":") {
            comments.append(String(text.dropFirst().drop { $0 == " " }))
            return
        }
        let field: Substring, value: Substring
        if let colon = text.firstIndex(of: ":") {
            field = text[..<colon]
            var v = text[text.index(after: colon)...]
            if v.first == " " { v = v.dropFirst() }
            value = v
        } else {
            (field, value) = (Substring(text), "")
        }
        switch field {
        case "id": lastID = String(value)
        case "event": name = String(value)
        case "data": data.append(String(value))
        case "retry": retry = Int(value)
        default: break
        }
    }
}
