/// Appends compact JSON to a byte buffer. Used to encode events for Kafka and HTTP answers.
public struct JSONWriter: Sendable {
    public private(set) var bytes: [UInt8] = []
    private var needsComma: [Bool] = [false]

    public init(capacity: Int = 256) { bytes.reserveCapacity(capacity) }

    public var string: String { String(decoding: bytes, as: UTF8.self) }

    private mutating func separator() {
        if needsComma[needsComma.count - 1] { bytes.append(UInt8(ascii: ",")) }
        needsComma[needsComma.count - 1] = true
    }

    public mutating func beginObject() { separator(); bytes.append(UInt8(ascii: "{")); needsComma.append(false) }
    public mutating func endObject() { needsComma.removeLast(); bytes.append(UInt8(ascii: "}")) }
    public mutating func beginArray() { separator(); bytes.append(UInt8(ascii: "[")); needsComma.append(false) }
    public mutating func endArray() { needsComma.removeLast(); bytes.append(UInt8(ascii: "]")) }

    /// Writes a member name; the next value written is its value.
    public mutating func key(_ name: String) {
        separator()
        appendQuoted(name)
        bytes.append(UInt8(ascii: ":"))
        needsComma[needsComma.count - 1] = false
    }

    public mutating func null() { separator(); bytes.append(contentsOf: [110, 117, 108, 108]) }
    public mutating func bool(_ v: Bool) { separator(); bytes.append(contentsOf: v ? Array("true".utf8) : Array("false".utf8)) }
    public mutating func int(_ v: Int64) { separator(); bytes.append(contentsOf: String(v).utf8) }
    public mutating func int(_ v: Int) { int(Int64(v)) }
    public mutating func double(_ v: Double) {
        separator()
        if !v.isFinite {
            bytes.append(contentsOf: [110, 117, 108, 108])
        } else if v.rounded() == v, abs(v) < 1e15 {
            bytes.append(contentsOf: String(Int64(v)).utf8)
        } else {
            bytes.append(contentsOf: String(v).utf8)
        }
    }
    public mutating func string(_ v: String) { separator(); appendQuoted(v) }
    public mutating func timestamp(_ t: Timestamp) {
        separator()
        bytes.append(UInt8(ascii: "\""))
        t.appendISO8601(to: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    public mutating func optional(_ v: Int64?) { if let v { int(v) } else { null() } }
    public mutating func optional(_ v: Int?) { if let v { int(v) } else { null() } }
    public mutating func optional(_ v: Double?) { if let v { double(v) } else { null() } }
    public mutating func optional(_ v: String?) { if let v { string(v) } else { null() } }
    public mutating func optional(_ v: Timestamp?) { if let v { timestamp(v) } else { null() } }

    public mutating func value(_ v: JSONValue) {
        switch v {
        case .null: null()
        case .bool(let b): bool(b)
        case .int(let i): int(i)
        case .double(let d): double(d)
        case .string(let s): string(s)
        case .array(let a):
            beginArray()
            for e in a { value(e) }
            endArray()
        case .object(let members):
            beginObject()
            for (k, e) in members {
                key(k)
                value(e)
            }
            endObject()
        }
    }

    /// Splices already-encoded JSON in as a value (e.g. a stored payload).
    public mutating func raw(_ json: [UInt8]) { separator(); bytes.append(contentsOf: json) }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    private mutating func appendQuoted(_ s: String) {
        bytes.append(UInt8(ascii: "\""))
        for c in s.utf8 {
            switch c {
            case UInt8(ascii: "\""): bytes.append(0x5C); bytes.append(0x22)
            case UInt8(ascii: "\\"): bytes.append(0x5C); bytes.append(0x5C)
            case 0x0A: bytes.append(0x5C); bytes.append(UInt8(ascii: "n"))
            case 0x0D: bytes.append(0x5C); bytes.append(UInt8(ascii: "r"))
            case 0x09: bytes.append(0x5C); bytes.append(UInt8(ascii: "t"))
            case 0..<0x20:
                bytes.append(contentsOf: Array("\\u00".utf8))
                bytes.append(Self.hex[Int(c >> 4)])
                bytes.append(Self.hex[Int(c & 0xF)])
            default: bytes.append(c)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}

extension JSONValue {
    /// Compact JSON text of this value.
    public var jsonString: String {
        var w = JSONWriter()
        w.value(self)
        return w.string
    }
}
