/// Appends compact JSON to a byte buffer. Used to encode events for Kafka and HTTP answers.
public struct JSONWriter: Sendable {
    /// The output is `storage[0..<count]`; the rest is zeroed room, grown geometrically. Each write reserves
    /// its worst case once and fills it through a pointer: an event is dozens of tiny pieces, and an
    /// `Array.append` per piece (uniqueness and capacity checks, a call) used to cost more than the bytes.
    private var storage: [UInt8]
    private var count = 0
    /// Whether the container being written needs a comma before its next element. The outer levels are
    /// kept as a bit stack (depth ≤ 64 covers every event; deeper levels spill to `deepLevels`), so a writer
    /// allocates nothing but its output buffer.
    private var needsComma = false
    private var outerLevels: UInt64 = 0
    private var depth = 0
    private var deepLevels: [Bool] = []

    public init(capacity: Int = 256) { storage = [UInt8](repeating: 0, count: Swift.max(capacity, 16)) }

    /// The output so far (a copy; `takeBytes()` hands it over without one).
    public var bytes: [UInt8] { Array(storage[0..<count]) }

    /// The output, handed over without copying; the writer starts again empty.
    public mutating func takeBytes() -> [UInt8] {
        var out: [UInt8] = []
        swap(&out, &storage)
        out.removeLast(out.count - count)
        count = 0
        needsComma = false
        outerLevels = 0
        depth = 0
        deepLevels = []
        return out
    }

    public var string: String { String(decoding: storage[0..<count], as: UTF8.self) }

    /// The output so far, lent without a copy.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try storage.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
    }

    /// Starts again empty, keeping the buffer: a writer reused per record allocates once.
    public mutating func reset() {
        count = 0
        needsComma = false
        outerLevels = 0
        depth = 0
        deepLevels.removeAll(keepingCapacity: true)
    }

    // MARK: Raw output

    /// Reserves `n` bytes and lets `body` fill them from the first free byte; `body` returns how many it wrote.
    @inline(__always)
    private mutating func write(upTo n: Int, _ body: (UnsafeMutablePointer<UInt8>) -> Int) {
        if count + n > storage.count { grow(to: count + n) }
        let start = count
        count += storage.withUnsafeMutableBufferPointer { body($0.baseAddress! + start) }
    }

    @inline(never)
    private mutating func grow(to needed: Int) {
        storage.append(contentsOf: repeatElement(0, count: Swift.max(needed, 2 * storage.count) - storage.count))
    }

    /// The comma owed before the next element, if any, as a byte count to write first.
    @inline(__always) private mutating func takeSeparator() -> Bool {
        defer { needsComma = true }
        return needsComma
    }

    @inline(__always) private mutating func appendASCII(_ s: StaticString, comma: Bool) {
        let n = s.utf8CodeUnitCount
        write(upTo: n + 1) { p in
            var i = 0
            if comma { p[0] = UInt8(ascii: ","); i = 1 }
            (p + i).update(from: s.utf8Start, count: n)
            return i + n
        }
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

    // MARK: Structure and values

    public mutating func beginObject() { appendASCII("{", comma: takeSeparator()); push() }
    public mutating func endObject() { pop(); appendASCII("}", comma: false) }
    public mutating func beginArray() { appendASCII("[", comma: takeSeparator()); push() }
    public mutating func endArray() { pop(); appendASCII("]", comma: false) }

    /// Writes a member name; the next value written is its value.
    public mutating func key(_ name: String) {
        appendQuoted(name, comma: takeSeparator(), colon: true)
        needsComma = false
    }

    /// Writes a member name that needs no escaping, as our encoders' literal names: no check, one copy.
    public mutating func key(ascii name: StaticString) {
        assert(JSONBytes.plainRun(name.utf8Start, name.utf8CodeUnitCount) == name.utf8CodeUnitCount)
        let comma = takeSeparator()
        needsComma = false
        let n = name.utf8CodeUnitCount
        write(upTo: n + 4) { p in
            var i = 0
            if comma { p[0] = UInt8(ascii: ","); i = 1 }
            p[i] = UInt8(ascii: "\"")
            (p + i + 1).update(from: name.utf8Start, count: n)
            i += n + 1
            p[i] = UInt8(ascii: "\"")
            p[i + 1] = UInt8(ascii: ":")
            return i + 2
        }
    }

    public mutating func null() { appendASCII("null", comma: takeSeparator()) }
    public mutating func bool(_ v: Bool) { appendASCII(v ? "true" : "false", comma: takeSeparator()) }
    public mutating func int(_ v: Int64) { appendDecimal(v, comma: takeSeparator()) }
    public mutating func int(_ v: Int) { int(Int64(v)) }
    public mutating func double(_ v: Double) {
        let comma = takeSeparator()
        if !v.isFinite {
            appendASCII("null", comma: comma)
        } else if v.rounded() == v, abs(v) < 1e15 {
            appendDecimal(Int64(v), comma: comma)
        } else {
            var text = String(v)
            text.withUTF8 { appendBytes($0, comma: comma) }
        }
    }
    public mutating func string(_ v: String) { appendQuoted(v, comma: takeSeparator(), colon: false) }
    public mutating func timestamp(_ t: Timestamp) {
        let comma = takeSeparator()
        write(upTo: Timestamp.maxISO8601Length + 3) { p in
            var i = 0
            if comma { p[0] = UInt8(ascii: ","); i = 1 }
            p[i] = UInt8(ascii: "\"")
            i += 1
            i += t.writeISO8601(to: p + i)
            p[i] = UInt8(ascii: "\"")
            return i + 1
        }
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
    public mutating func raw(_ json: [UInt8]) {
        let comma = takeSeparator()
        json.withUnsafeBufferPointer { appendBytes($0, comma: comma) }
    }

    // MARK: Pieces

    private mutating func appendBytes(_ b: UnsafeBufferPointer<UInt8>, comma: Bool) {
        write(upTo: b.count + 1) { p in
            var i = 0
            if comma { p[0] = UInt8(ascii: ","); i = 1 }
            if let base = b.baseAddress { (p + i).update(from: base, count: b.count) }
            return i + b.count
        }
    }

    private mutating func appendDecimal(_ v: Int64, comma: Bool) {
        // 20 digits and a sign cover Int64; digits are written backwards into a stack buffer, then copied.
        write(upTo: 22) { p in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { buf in
                var k = 20
                var m = v.magnitude
                repeat {
                    k -= 1
                    buf[k] = UInt8(48 + m % 10)
                    m /= 10
                } while m > 0
                var i = 0
                if comma { p[i] = UInt8(ascii: ","); i += 1 }
                if v < 0 { p[i] = UInt8(ascii: "-"); i += 1 }
                (p + i).update(from: buf.baseAddress! + k, count: 20 - k)
                return i + 20 - k
            }
        }
    }

    private static let hex: StaticString = "0123456789abcdef"

    private mutating func appendQuoted(_ s: String, comma: Bool, colon: Bool) {
        var s = s
        s.withUTF8 { utf8 in
            // Fast path: nothing to escape (ids, names, enum values), one copy.
            let clean = utf8.isEmpty || JSONBytes.plainRun(utf8.baseAddress!, utf8.count) == utf8.count
            // At most six bytes per input byte (`\u00XX`), quotes, comma and colon.
            write(upTo: (clean ? utf8.count : 6 * utf8.count) + 4) { p in
                var i = 0
                if comma { p[0] = UInt8(ascii: ","); i = 1 }
                p[i] = UInt8(ascii: "\"")
                i += 1
                if clean {
                    if let base = utf8.baseAddress { (p + i).update(from: base, count: utf8.count) }
                    i += utf8.count
                } else {
                    i += Self.writeEscaped(utf8, to: p + i)
                }
                p[i] = UInt8(ascii: "\"")
                i += 1
                if colon { p[i] = UInt8(ascii: ":"); i += 1 }
                return i
            }
        }
    }

    private static func writeEscaped(_ utf8: UnsafeBufferPointer<UInt8>, to p: UnsafeMutablePointer<UInt8>) -> Int {
        var i = 0
        func put(_ a: UInt8, _ b: UInt8) {
            p[i] = a
            p[i + 1] = b
            i += 2
        }
        for c in utf8 {
            switch c {
            case UInt8(ascii: "\""): put(0x5C, 0x22)
            case UInt8(ascii: "\\"): put(0x5C, 0x5C)
            case 0x0A: put(0x5C, UInt8(ascii: "n"))
            case 0x0D: put(0x5C, UInt8(ascii: "r"))
            case 0x09: put(0x5C, UInt8(ascii: "t"))
            case 0..<0x20:
                put(0x5C, UInt8(ascii: "u"))
                put(UInt8(ascii: "0"), UInt8(ascii: "0"))
                put(hex.utf8Start[Int(c >> 4)], hex.utf8Start[Int(c & 0xF)])
            default:
                p[i] = c
                i += 1
            }
        }
        return i
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
