/// Appends compact JSON to a byte buffer. Used to encode events for Kafka and HTTP answers.
public struct JSONWriter: Sendable {
    public private(set) var bytes: [UInt8] = []
    /// Whether the container being written needs a comma before its next element. The outer levels are
    /// kept as a bit stack (depth ≤ 64 covers every event; deeper levels spill to `deepLevels`), so a writer
    /// allocates nothing but its output buffer.
    private var needsComma = false
    private var outerLevels: UInt64 = 0
    private var depth = 0
    private var deepLevels: [Bool] = []

    public init(capacity: Int = 256) { bytes.reserveCapacity(capacity) }

    public var string: String { String(decoding: bytes, as: UTF8.self) }

    @inline(__always) private mutating func separator() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
        needsComma = true
    }

    @inline(__always) private mutating func push() {
        if depth < 64 {
            outerLevels = (outerLevels << 1) | (needsComma ? 1 : 0)
        } else {
            deepLevels.append(needsComma)
        }
        depth += 1
        needsComma = false
    }

    @inline(__always) private mutating func pop() {
        depth -= 1
        if depth < 64 {
            needsComma = outerLevels & 1 == 1
            outerLevels >>= 1
        } else {
            needsComma = deepLevels.removeLast()
        }
    }

    public mutating func beginObject() { separator(); bytes.append(UInt8(ascii: "{")); push() }
    public mutating func endObject() { pop(); bytes.append(UInt8(ascii: "}")) }
    public mutating func beginArray() { separator(); bytes.append(UInt8(ascii: "[")); push() }
    public mutating func endArray() { pop(); bytes.append(UInt8(ascii: "]")) }

    /// Writes a member name; the next value written is its value.
    public mutating func key(_ name: String) {
        separator()
        appendQuoted(name)
        bytes.append(UInt8(ascii: ":"))
        needsComma = false
    }

    public mutating func null() { separator(); appendASCII("null") }
    public mutating func bool(_ v: Bool) { separator(); appendASCII(v ? "true" : "false") }
    public mutating func int(_ v: Int64) { separator(); appendDecimal(v) }
    public mutating func int(_ v: Int) { int(Int64(v)) }
    public mutating func double(_ v: Double) {
        separator()
        if !v.isFinite {
            appendASCII("null")
        } else if v.rounded() == v, abs(v) < 1e15 {
            appendDecimal(Int64(v))
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

    @inline(__always) private mutating func appendASCII(_ s: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }

    private mutating func appendDecimal(_ v: Int64) {
        // 20 digits and a sign cover Int64; digits are written backwards into a stack buffer.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { buf in
            var i = 20
            var m = v.magnitude
            repeat {
                i -= 1
                buf[i] = UInt8(48 + m % 10)
                m /= 10
            } while m > 0
            if v < 0 { bytes.append(UInt8(ascii: "-")) }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buf[i..<20]))
        }
    }

    private static let hex: StaticString = "0123456789abcdef"

    private mutating func appendQuoted(_ s: String) {
        var s = s
        s.withUTF8 { utf8 in
            bytes.append(UInt8(ascii: "\""))
            // Fast path: nothing to escape (ids, names, enum values), one copy.
            var clean = true
            for c in utf8 where c < 0x20 || c == 0x22 || c == 0x5C {
                clean = false
                break
            }
            if clean {
                bytes.append(contentsOf: utf8)
            } else {
                appendEscaped(utf8)
            }
            bytes.append(UInt8(ascii: "\""))
        }
    }

    private mutating func appendEscaped(_ utf8: UnsafeBufferPointer<UInt8>) {
        for c in utf8 {
            switch c {
            case UInt8(ascii: "\""): bytes.append(0x5C); bytes.append(0x22)
            case UInt8(ascii: "\\"): bytes.append(0x5C); bytes.append(0x5C)
            case 0x0A: bytes.append(0x5C); bytes.append(UInt8(ascii: "n"))
            case 0x0D: bytes.append(0x5C); bytes.append(UInt8(ascii: "r"))
            case 0x09: bytes.append(0x5C); bytes.append(UInt8(ascii: "t"))
            case 0..<0x20:
                appendASCII("\\u00")
                bytes.append(Self.hex.utf8Start[Int(c >> 4)])
                bytes.append(Self.hex.utf8Start[Int(c & 0xF)])
            default: bytes.append(c)
            }
        }
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
