#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Walks the top-level members of a JSON object straight from its bytes, for payload types that read their
/// fields without building a `JSONValue` tree (`EventPayload.init(payloadBytes:)`, the hot path).
///
/// It only understands the plain shapes (escape-free strings, integers, null) and reports anything else as
/// `.other`; a member name with escapes, or bytes that are not a well-formed object, stop it (`failed`). Either
/// way the caller gives up and reads the tree, whose checks and errors are the reference. It never throws and
/// never reads out of bounds, whatever the bytes.
struct FlatObjectScanner: ~Copyable {
    enum Value {
        /// A string without escapes: its UTF-8 content.
        case string(UnsafeBufferPointer<UInt8>)
        /// An integer literal (no fraction or exponent) within Int64: what the tree holds as `.int`.
        case int(Int64)
        case null
        /// Anything else: escaped strings, other numbers, booleans, arrays, objects.
        case other
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0
    private var started = false
    private var done = false
    /// Set when the scan stopped early on something it does not handle.
    private(set) var failed = false

    init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    /// The next member, or nil at the end of the object or on failure (see `failed`).
    mutating func next() -> (name: UnsafeBufferPointer<UInt8>, value: Value)? {
        guard !done else { return nil }
        skipWhitespace()
        if !started {
            started = true
            guard at(UInt8(ascii: "{")) else { return fail() }
            index += 1
            skipWhitespace()
            if at(UInt8(ascii: "}")) { return end() }
        } else {
            guard at(UInt8(ascii: ",")) else { return at(UInt8(ascii: "}")) ? end() : fail() }
            index += 1
            skipWhitespace()
        }
        guard at(UInt8(ascii: "\"")), let name = plainString() else { return fail() }
        skipWhitespace()
        guard at(UInt8(ascii: ":")) else { return fail() }
        index += 1
        skipWhitespace()
        guard let value = value() else { return fail() }
        skipWhitespace()
        return (name, value)
    }

    /// Whether a member name is `expected`.
    static func name(_ name: UnsafeBufferPointer<UInt8>, is expected: StaticString) -> Bool {
        expected.utf8CodeUnitCount == name.count && (name.isEmpty || memcmp(expected.utf8Start, name.baseAddress!, name.count) == 0)
    }

    /// `FieldReader.identifier`'s shapes and rules: a non-empty string keeping `TextRules` for identifiers, or
    /// an integer as its decimal text.
    static func identifier(_ value: Value) -> String? {
        switch value {
        case .string(let s) where !s.isEmpty && TextRules.isAcceptable(s, maxBytes: TextRules.maxIdentifierBytes):
            return String(decoding: s, as: UTF8.self)
        case .int(let i): return String(i)
        default: return nil
        }
    }

    /// `FieldReader.optionalString`'s rules: the text when it keeps `TextRules`, else nil.
    static func text(_ s: UnsafeBufferPointer<UInt8>, maxBytes: Int = TextRules.maxTextBytes) -> String? {
        TextRules.isAcceptable(s, maxBytes: maxBytes) ? String(decoding: s, as: UTF8.self) : nil
    }

    /// `E(rawValue:)` of the string: ASCII bytes are compared as bytes (for ASCII, String equality is byte
    /// equality); other text goes through `String`, whose equality is Unicode's.
    static func oneOf<E: RawRepresentable & CaseIterable>(_ s: UnsafeBufferPointer<UInt8>, _: E.Type) -> E?
    where E.RawValue == String {
        guard isASCII(s) else { return E(rawValue: String(decoding: s, as: UTF8.self)) }
        for e in E.allCases {
            var raw = e.rawValue
            if raw.withUTF8({ JSONBytes.equal($0, s) }) { return e }
        }
        return nil
    }

    /// `text.contains(c)` for an ASCII character, answered from the bytes when the text is ASCII (one
    /// character per byte there); other text goes through `String`, whose characters are grapheme clusters.
    static func contains(_ text: String, _ c: Unicode.Scalar) -> Bool {
        var text = text
        let byte = UInt8(ascii: c)
        let plain: Bool? = text.withUTF8 { isASCII($0) ? $0.contains(byte) : nil }
        return plain ?? text.contains(Character(c))
    }

    private static func isASCII(_ s: UnsafeBufferPointer<UInt8>) -> Bool {
        for c in s where c >= 0x80 { return false }
        return true
    }

    private mutating func end() -> (name: UnsafeBufferPointer<UInt8>, value: Value)? {
        index += 1
        done = true
        return nil
    }

    private mutating func fail() -> (name: UnsafeBufferPointer<UInt8>, value: Value)? {
        failed = true
        done = true
        return nil
    }

    @inline(__always) private func at(_ c: UInt8) -> Bool { index < bytes.count && bytes[index] == c }

    @inline(__always) private mutating func skipWhitespace() {
        while index < bytes.count {
            let c = bytes[index]
            guard c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 else { return }
            index += 1
        }
    }

    /// At an opening quote: the content of an escape-free string, consumed; nil (position unchanged) otherwise.
    private mutating func plainString() -> UnsafeBufferPointer<UInt8>? {
        var i = index + 1
        if i < bytes.count { i += JSONBytes.plainRun(bytes.baseAddress! + i, bytes.count - i) }
        guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { return nil }
        let content = UnsafeBufferPointer(rebasing: bytes[(index + 1)..<i])
        index = i + 1
        return content
    }

    private mutating func value() -> Value? {
        guard index < bytes.count else { return nil }
        switch bytes[index] {
        case UInt8(ascii: "\""):
            if let s = plainString() { return .string(s) }
            return skipEscapedString() ? .other : nil
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return number()
        case UInt8(ascii: "n"):
            return word("null") ? .null : nil
        case UInt8(ascii: "t"):
            return word("true") ? .other : nil
        case UInt8(ascii: "f"):
            return word("false") ? .other : nil
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            return skipContainer() ? .other : nil
        default:
            return nil
        }
    }

    private mutating func word(_ w: StaticString) -> Bool {
        let n = w.utf8CodeUnitCount
        guard index + n <= bytes.count, memcmp(w.utf8Start, bytes.baseAddress! + index, n) == 0 else { return false }
        index += n
        return true
    }

    @inline(__always) private func isDigit(_ i: Int) -> Bool { i < bytes.count && bytes[i] >= 48 && bytes[i] <= 57 }

    /// An integer literal as `.int` exactly when `JSONParser` would make it one; any other number as `.other`.
    private mutating func number() -> Value? {
        var negative = false
        if bytes[index] == UInt8(ascii: "-") {
            negative = true
            index += 1
        }
        guard isDigit(index) else { return nil }
        // A leading zero followed by a digit is not JSON.
        if bytes[index] == 48, isDigit(index + 1) { return nil }
        var magnitude: UInt64 = 0
        var overflow = false
        while isDigit(index) {
            let (m1, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (m2, o2) = m1.addingReportingOverflow(UInt64(bytes[index] - 48))
            magnitude = m2
            overflow = overflow || o1 || o2
            index += 1
        }
        var isInteger = true
        if at(UInt8(ascii: ".")) {
            isInteger = false
            index += 1
            guard isDigit(index) else { return nil }
            while isDigit(index) { index += 1 }
        }
        if at(UInt8(ascii: "e")) || at(UInt8(ascii: "E")) {
            isInteger = false
            index += 1
            if at(UInt8(ascii: "+")) || at(UInt8(ascii: "-")) { index += 1 }
            guard isDigit(index) else { return nil }
            while isDigit(index) { index += 1 }
        }
        guard isInteger, !overflow else { return .other }
        if negative {
            guard magnitude <= UInt64(Int64.max) + 1 else { return .other }
            return .int(magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude))
        }
        guard magnitude <= UInt64(Int64.max) else { return .other }
        return .int(Int64(magnitude))
    }

    /// At an opening quote of a string with escapes: consumes it (escapes are not checked, only stepped over).
    private mutating func skipEscapedString() -> Bool {
        var i = index + 1
        while i < bytes.count {
            switch bytes[i] {
            case UInt8(ascii: "\""):
                index = i + 1
                return true
            case UInt8(ascii: "\\"): i += 2
            default: i += 1
            }
        }
        return false
    }

    /// At `{` or `[`: consumes the whole (nested) value by counting brackets outside strings.
    private mutating func skipContainer() -> Bool {
        var depth = 0
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                index += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                index += 1
                if depth == 0 { return true }
            case UInt8(ascii: "\""):
                guard skipEscapedString() else { return false }
            default:
                index += 1
            }
        }
        return false
    }
}
