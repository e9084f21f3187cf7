#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where and why a JSON document could not be parsed.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public var offset: Int
    public var reason: String
    /// The member the error is in, as a path (`payload.park_id`, `areas[2].zone`); empty at the top level.
    public var field: String = ""

    public init(offset: Int, reason: String, field: String = "") {
        self.offset = offset
        self.reason = reason
        self.field = field
    }

    public var description: String { "invalid JSON at byte \(offset): \(reason)" }

    /// The same error, seen from the object holding member `name`.
    func inside(member name: UnsafeBufferPointer<UInt8>) -> JSONParseError {
        var e = self
        let prefix = String(decoding: name, as: UTF8.self)
        e.field = field.isEmpty ? prefix : field.hasPrefix("[") ? prefix + field : prefix + "." + field
        return e
    }

    /// The same error, seen from the array holding it at `index`.
    func inside(element index: Int) -> JSONParseError {
        var e = self
        e.field = field.isEmpty || field.hasPrefix("[") ? "[\(index)]" + field : "[\(index)]." + field
        return e
    }
}

/// A small, allocation-light JSON parser over UTF-8 bytes (RFC 8259), strict where readers of the same
/// document could disagree: strings must be well-formed UTF-8 (never repaired to U+FFFD), and an object may
/// not give a member name twice (one reader would take the first value, another the last).
///
/// Foundation's `JSONDecoder` costs several microseconds per small event; this parser is the hot path of
/// every consumer, so it reads bytes directly and builds a `JSONValue` tree.
public struct JSONParser: ~Copyable {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0
    private var depth = 0
    /// Nesting allowed: 64 for events (hostile input must not recurse deep), more for trusted documents such
    /// as a model's trees.
    private let maxDepth: Int
    public static let defaultMaxDepth = 64

    private init(_ bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    /// Parses exactly one JSON value (surrounding whitespace allowed).
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int = defaultMaxDepth) throws(JSONParseError) -> JSONValue {
        var parser = JSONParser(bytes, maxDepth: maxDepth)
        parser.skipWhitespace()
        let value = try parser.parseValue()
        parser.skipWhitespace()
        guard parser.index == bytes.count else { throw parser.error("trailing characters after the value") }
        return value
    }

    public static func parse(_ bytes: [UInt8], maxDepth: Int = defaultMaxDepth) throws(JSONParseError) -> JSONValue {
        try bytes.withUnsafeBufferPointer { (p) throws(JSONParseError) in try parse(p, maxDepth: maxDepth) }
    }

    public static func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        var text = text
        // `withUTF8` only rethrows untyped errors; the closure throws nothing else.
        do {
            return try text.withUTF8 { (p) throws(JSONParseError) in try parse(p) }
        } catch let e as JSONParseError { throw e } catch { throw JSONParseError(offset: 0, reason: "\(error)") }
    }

    /// Splits NDJSON into the byte ranges of its non-blank lines (numbered from 1).
    public static func lines(_ bytes: UnsafeBufferPointer<UInt8>) -> [(line: Int, range: Range<Int>)] {
        var result: [(Int, Range<Int>)] = []
        var start = 0
        var line = 1
        func flush(_ end: Int) {
            var s = start, e = end
            while s < e, isSpace(bytes[s]) { s += 1 }
            while e > s, isSpace(bytes[e - 1]) { e -= 1 }
            if s < e { result.append((line, s..<e)) }
        }
        for i in 0..<bytes.count where bytes[i] == 0x0A {
            flush(i)
            start = i + 1
            line += 1
        }
        flush(bytes.count)
        return result
    }

    @inline(__always) private static func isSpace(_ c: UInt8) -> Bool {
        c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09
    }

    private func error(_ reason: String) -> JSONParseError { JSONParseError(offset: index, reason: reason) }

    @inline(__always) private mutating func skipWhitespace() {
        while index < bytes.count, Self.isSpace(bytes[index]) { index += 1 }
    }

    private mutating func parseValue() throws(JSONParseError) -> JSONValue {
        guard index < bytes.count else { throw error("unexpected end of input") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw error("unexpected character '\(Character(Unicode.Scalar(bytes[index])))'")
        }
    }

    private mutating func literal(_ word: StaticString) throws(JSONParseError) {
        let n = word.utf8CodeUnitCount
        guard index + n <= bytes.count else { throw error("unexpected end of input") }
        let p = word.utf8Start
        for k in 0..<n where bytes[index + k] != p[k] { throw error("invalid literal") }
        index += n
    }

    private mutating func enter() throws(JSONParseError) {
        depth += 1
        if depth > maxDepth { throw error("nesting deeper than \(maxDepth)") }
    }

    private mutating func parseObject() throws(JSONParseError) -> JSONValue {
        try enter()
        defer { depth -= 1 }
        index += 1
        var members: [(String, JSONValue)] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return .object(members)
        }
        members.reserveCapacity(8)
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw error("expected a member name") }
            let keyStart = index
            let key = try parseString()
            if members.contains(where: { $0.0.utf8.elementsEqual(key.utf8) }) {
                throw JSONParseError(offset: keyStart, reason: "member \"\(key)\" is given twice", field: key)
            }
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("expected ':'") }
            index += 1
            skipWhitespace()
            let value: JSONValue
            do {
                value = try parseValue()
            } catch {
                var name = key
                throw name.withUTF8 { error.inside(member: $0) }
            }
            members.append((key, value))
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of input in an object") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
            } else if bytes[index] == UInt8(ascii: "}") {
                index += 1
                return .object(members)
            } else {
                throw error("expected ',' or '}'")
            }
        }
    }

    private mutating func parseArray() throws(JSONParseError) -> JSONValue {
        try enter()
        defer { depth -= 1 }
        index += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            do {
                elements.append(try parseValue())
            } catch {
                throw error.inside(element: elements.count)
            }
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of input in an array") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
            } else if bytes[index] == UInt8(ascii: "]") {
                index += 1
                return .array(elements)
            } else {
                throw error("expected ',' or ']'")
            }
        }
    }

    private mutating func parseString() throws(JSONParseError) -> String {
        index += 1  // opening quote
        let start = index
        // Fast path: no escapes.
        if index < bytes.count { index += JSONBytes.plainRun(bytes.baseAddress! + index, bytes.count - index) }
        if index < bytes.count {
            let c = bytes[index]
            if c == UInt8(ascii: "\"") {
                guard JSONBytes.isValidUTF8(bytes.baseAddress! + start, index - start) else {
                    throw JSONParseError(offset: start, reason: "a string is not valid UTF-8")
                }
                let s = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                index += 1
                return s
            }
            if c < 0x20 { throw error("control character in a string") }
        }
        guard index < bytes.count else { throw error("unterminated string") }
        var out = Array(bytes[start..<index])
        while index < bytes.count {
            let c = bytes[index]
            if c == UInt8(ascii: "\"") {
                // Escapes are ASCII and decode to valid UTF-8: checking the raw text checks the rest.
                guard JSONBytes.isValidUTF8(bytes.baseAddress! + start, index - start) else {
                    throw JSONParseError(offset: start, reason: "a string is not valid UTF-8")
                }
                index += 1
                return String(decoding: out, as: UTF8.self)
            }
            if c < 0x20 { throw error("control character in a string") }
            if c != UInt8(ascii: "\\") {
                out.append(c)
                index += 1
                continue
            }
            index += 1
            guard index < bytes.count else { throw error("unterminated escape") }
            let e = bytes[index]
            index += 1
            switch e {
            case UInt8(ascii: "\""): out.append(0x22)
            case UInt8(ascii: "\\"): out.append(0x5C)
            case UInt8(ascii: "/"): out.append(0x2F)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4()
                if (0xD800...0xDBFF).contains(scalar) {
                    // A high surrogate must be followed by an escaped low surrogate.
                    guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"),
                        bytes[index + 1] == UInt8(ascii: "u")
                    else { throw error("unpaired surrogate") }
                    index += 2
                    let low = try hex4()
                    guard (0xDC00...0xDFFF).contains(low) else { throw error("invalid low surrogate") }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00...0xDFFF).contains(scalar) {
                    throw error("unpaired surrogate")
                }
                guard let u = Unicode.Scalar(scalar) else { throw error("invalid unicode escape") }
                out.append(contentsOf: UTF8.encode(u)!)
            default:
                throw error("invalid escape '\\\(Character(Unicode.Scalar(e)))'")
            }
        }
        throw error("unterminated string")
    }

    private mutating func hex4() throws(JSONParseError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw error("short unicode escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[index]
            let d: UInt32
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(c - 48)
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(c - 87)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(c - 55)
            default: throw error("invalid hex digit in unicode escape")
            }
            v = v << 4 | d
            index += 1
        }
        return v
    }

    private mutating func parseNumber() throws(JSONParseError) -> JSONValue {
        let start = index
        var negative = false
        if bytes[index] == UInt8(ascii: "-") {
            negative = true
            index += 1
        }
        guard index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 else { throw error("invalid number") }
        if bytes[index] == 48, index + 1 < bytes.count, bytes[index + 1] >= 48, bytes[index + 1] <= 57 {
            throw error("leading zero in a number")
        }
        var magnitude: UInt64 = 0
        var overflow = false
        while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
            let (m1, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (m2, o2) = m1.addingReportingOverflow(UInt64(bytes[index] - 48))
            magnitude = m2
            overflow = overflow || o1 || o2
            index += 1
        }
        var isInteger = true
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            isInteger = false
            index += 1
            guard index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 else { throw error("digit expected after '.'") }
            while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            isInteger = false
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 else { throw error("digit expected in exponent") }
            while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 { index += 1 }
        }
        if isInteger, !overflow {
            if negative, magnitude <= UInt64(Int64.max) + 1 {
                return .int(magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude))
            }
            if !negative, magnitude <= UInt64(Int64.max) { return .int(Int64(magnitude)) }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        guard let d = Double(text), d.isFinite else { throw error("number out of range") }
        return .double(d)
    }
}

// MARK: Streaming access to a top-level object

extension JSONParser {
    /// Visits the members of a top-level JSON object in order without building the object: `visit` gets
    /// each member's name (unescaped UTF-8) with the parser positioned at its value, and must read or skip
    /// that value. The hot path (envelopes) uses it to read its fields straight into typed values.
    ///
    /// Returns false, visiting nothing, when the document is valid JSON but not an object.
    static func scanObject(
        _ bytes: UnsafeBufferPointer<UInt8>,
        _ visit: (_ name: UnsafeBufferPointer<UInt8>, _ parser: inout JSONParser) throws(JSONParseError) -> Void
    ) throws(JSONParseError) -> Bool {
        var parser = JSONParser(bytes, maxDepth: Self.defaultMaxDepth)
        parser.skipWhitespace()
        guard parser.index < bytes.count, bytes[parser.index] == UInt8(ascii: "{") else {
            _ = try parse(bytes)
            return false
        }
        parser.index += 1
        parser.depth = 1
        parser.skipWhitespace()
        if parser.index < bytes.count, bytes[parser.index] == UInt8(ascii: "}") {
            parser.index += 1
        } else {
            var seen = MemberNames()
            while true {
                parser.skipWhitespace()
                guard parser.index < bytes.count, bytes[parser.index] == UInt8(ascii: "\"") else {
                    throw parser.error("expected a member name")
                }
                let nameStart = parser.index
                if let range = parser.rawString() {
                    let name = UnsafeBufferPointer(rebasing: bytes[range])
                    try seen.insert(name, at: nameStart, inDocument: true)
                    guard parser.index < bytes.count else { throw parser.error("unexpected end of input") }
                    try parser.expectColon()
                    do { try visit(name, &parser) } catch { throw error.inside(member: name) }
                } else {
                    let name = Array(try parser.parseString().utf8)
                    try name.withUnsafeBufferPointer { (n) throws(JSONParseError) in try seen.insert(n, at: nameStart, inDocument: false) }
                    try parser.expectColon()
                    try name.withUnsafeBufferPointer { (n) throws(JSONParseError) in
                        do throws(JSONParseError) { try visit(n, &parser) } catch { throw error.inside(member: n) }
                    }
                }
                parser.skipWhitespace()
                guard parser.index < bytes.count else { throw parser.error("unexpected end of input in an object") }
                if bytes[parser.index] == UInt8(ascii: ",") {
                    parser.index += 1
                } else if bytes[parser.index] == UInt8(ascii: "}") {
                    parser.index += 1
                    break
                } else {
                    throw parser.error("expected ',' or '}'")
                }
            }
        }
        parser.skipWhitespace()
        guard parser.index == bytes.count else { throw parser.error("trailing characters after the value") }
        return true
    }

    private mutating func expectColon() throws(JSONParseError) {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("expected ':'") }
        index += 1
        skipWhitespace()
    }

    /// At an opening quote: when the string has no escapes, consumes it and returns the range of its
    /// content; otherwise leaves the position unchanged and returns nil.
    private mutating func rawString() -> Range<Int>? {
        var i = index + 1
        var nonASCII = false
        if i < bytes.count { i += JSONBytes.plainRun(bytes.baseAddress! + i, bytes.count - i, nonASCII: &nonASCII) }
        guard i < bytes.count, bytes[i] == UInt8(ascii: "\""),
            !nonASCII || JSONBytes.isValidUTF8(bytes.baseAddress! + index + 1, i - index - 1)
        else { return nil }  // `parseString` reads it, or says what is wrong
        let range = (index + 1)..<i
        index = i + 1
        return range
    }

    /// Reads the next value.
    mutating func readValue() throws(JSONParseError) -> JSONValue { try parseValue() }

    /// Consumes the next value, checking it exactly as `readValue` would (same errors at the same offsets),
    /// without building it: members nobody reads, and payloads kept as bytes, cost no allocation.
    mutating func skipValue() throws(JSONParseError) {
        guard index < bytes.count else { throw error("unexpected end of input") }
        switch bytes[index] {
        case UInt8(ascii: "{"): try skipObject()
        case UInt8(ascii: "["): try skipArray()
        case UInt8(ascii: "\""): try skipString()
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): _ = try parseNumber()
        default: throw error("unexpected character '\(Character(Unicode.Scalar(bytes[index])))'")
        }
    }

    /// Reads the next value when it is an object, checked as `readValue` checks it, and returns where its
    /// bytes are; nil, consuming nothing, for any other value.
    mutating func readObjectRange() throws(JSONParseError) -> Range<Int>? {
        guard index < bytes.count, bytes[index] == UInt8(ascii: "{") else { return nil }
        let start = index
        try skipObject()
        return start..<index
    }

    /// At a string without escapes whose content is one of `candidates`: consumes it and returns that very
    /// candidate (no new string storage). Otherwise leaves the position unchanged and returns nil, for
    /// `readValue` to read it as usual.
    mutating func readString(among candidates: [String]) -> String? {
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\""), let range = rawString() else { return nil }
        let content = UnsafeBufferPointer(rebasing: bytes[range])
        for candidate in candidates where candidate.utf8.count == content.count {
            var c = candidate
            if c.withUTF8({ JSONBytes.equal($0, content) }) { return candidate }
        }
        index = range.lowerBound - 1
        return nil
    }

    /// `parseObject` without the object.
    private mutating func skipObject() throws(JSONParseError) {
        try enter()
        defer { depth -= 1 }
        index += 1
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return
        }
        var seen = MemberNames()
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw error("expected a member name") }
            let nameStart = index
            var decoded: [UInt8]?
            let name: UnsafeBufferPointer<UInt8>
            if let range = rawString() {
                name = UnsafeBufferPointer(rebasing: bytes[range])
                try seen.insert(name, at: nameStart, inDocument: true)
            } else {
                decoded = Array(try parseString().utf8)
                try decoded!.withUnsafeBufferPointer { (n) throws(JSONParseError) in try seen.insert(n, at: nameStart, inDocument: false) }
                name = UnsafeBufferPointer(start: nil, count: 0)
            }
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("expected ':'") }
            index += 1
            skipWhitespace()
            do {
                try skipValue()
            } catch {
                if let decoded { throw decoded.withUnsafeBufferPointer { error.inside(member: $0) } }
                throw error.inside(member: name)
            }
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of input in an object") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
            } else if bytes[index] == UInt8(ascii: "}") {
                index += 1
                return
            } else {
                throw error("expected ',' or '}'")
            }
        }
    }

    /// `parseArray` without the array.
    private mutating func skipArray() throws(JSONParseError) {
        try enter()
        defer { depth -= 1 }
        index += 1
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            return
        }
        var element = 0
        while true {
            skipWhitespace()
            do { try skipValue() } catch { throw error.inside(element: element) }
            element += 1
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of input in an array") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
            } else if bytes[index] == UInt8(ascii: "]") {
                index += 1
                return
            } else {
                throw error("expected ',' or ']'")
            }
        }
    }

    /// `parseString` without the string. An escape-free string is only scanned; escapes (rare) and errors go
    /// through `parseString` itself, so both check strings the same way.
    private mutating func skipString() throws(JSONParseError) {
        if rawString() == nil { _ = try parseString() }
    }

    /// Reads the next value, parsing an escape-free string as an RFC 3339 time (strictly: `Timestamp(rfc3339:)`)
    /// without making a `String`.
    /// Anything else comes back as a value for the caller's validation to reject with its own words.
    mutating func readTimestamp() throws(JSONParseError) -> EnvelopeFields.Time {
        if index < bytes.count, bytes[index] == UInt8(ascii: "\""), let range = rawString() {
            if let micros = Timestamp.parseRFC3339(UnsafeBufferPointer(rebasing: bytes[range])) {
                return .parsed(Timestamp(microseconds: micros))
            }
            return .unparsed(.string(String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)))
        }
        return .unparsed(try parseValue())
    }
}

/// The member names of one object seen so far, to refuse a name given twice. Up to 16 names that live in the
/// document are kept inline as (address, length) pairs (the usual object costs no allocation); more, or names
/// decoded from escapes, are kept as copies.
private struct MemberNames {
    /// Pairs of (address, length), reached through a pointer: SIMD lanes indexed one by one are slow.
    private var pairs = SIMD32<Int>()
    private var count = 0
    private var spilled: [[UInt8]]?

    /// Adds `name`; throws if the object already has it. `inDocument`: its bytes live as long as the parse.
    mutating func insert(_ name: UnsafeBufferPointer<UInt8>, at offset: Int, inDocument: Bool) throws(JSONParseError) {
        if spilled == nil, inDocument, count < 16 {
            let n = count
            let seen = withUnsafeMutableBytes(of: &pairs) { raw -> Bool in
                let slots = raw.baseAddress!.assumingMemoryBound(to: Int.self)
                for k in 0..<n where slots[2 * k + 1] == name.count {
                    if name.isEmpty || memcmp(UnsafeRawPointer(bitPattern: slots[2 * k])!, name.baseAddress!, name.count) == 0 {
                        return true
                    }
                }
                slots[2 * n] = Int(bitPattern: name.baseAddress)
                slots[2 * n + 1] = name.count
                return false
            }
            if seen { throw Self.twice(name, offset) }
            count += 1
            return
        }
        if spilled == nil {
            let n = count
            spilled = withUnsafeBytes(of: &pairs) { raw in
                let slots = raw.baseAddress!.assumingMemoryBound(to: Int.self)
                return (0..<n).map { k in
                    slots[2 * k + 1] == 0
                        ? [] : Array(UnsafeBufferPointer(start: UnsafePointer<UInt8>(bitPattern: slots[2 * k])!, count: slots[2 * k + 1]))
                }
            }
        }
        let bytes = Array(name)
        if spilled!.contains(bytes) { throw Self.twice(name, offset) }
        spilled!.append(bytes)
    }

    private static func twice(_ name: UnsafeBufferPointer<UInt8>, _ offset: Int) -> JSONParseError {
        let text = String(decoding: name, as: UTF8.self)
        return JSONParseError(offset: offset, reason: "member \"\(text)\" is given twice", field: text)
    }
}
