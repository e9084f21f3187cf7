#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Byte-level helpers shared by the JSON parser, the payload scanner and the writer.
enum JSONBytes {
    /// Byte equality in one `memcmp` (a generic `elementsEqual` goes a byte at a time).
    @inline(__always)
    static func equal(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        a.count == b.count && (a.isEmpty || memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0)
    }

    /// How many of the `count` bytes from `p` on can stand in a JSON string as they are: none of `"`, `\` or a
    /// control character. Eight bytes at a time with the usual bit tricks (ids, names and times are long plain
    /// runs); within a word only the lowest flagged byte is exact, and that is the one returned.
    @inline(__always)
    static func plainRun(_ p: UnsafePointer<UInt8>, _ count: Int) -> Int {
        var nonASCII = false
        return plainRun(p, count, nonASCII: &nonASCII)
    }

    /// `plainRun`, also telling whether the run holds a byte of 0x80 or more (only then need its UTF-8 be
    /// checked): the parser learns it in the same pass.
    @inline(__always)
    static func plainRun(_ p: UnsafePointer<UInt8>, _ count: Int, nonASCII: inout Bool) -> Int {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        var i = 0
        var seen: UInt64 = 0
        while i + 8 <= count {
            let w = UInt64(littleEndian: UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self))
            let quote = w ^ (ones &* 0x22)
            let backslash = w ^ (ones &* 0x5C)
            let hits = (((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash) | ((w &- ones &* 0x20) & ~w)) & highs
            if hits != 0 {
                let n = hits.trailingZeroBitCount >> 3
                // Only the bytes before the hit belong to the run.
                if n > 0 { seen |= w & (UInt64.max >> (64 - 8 * n)) }
                nonASCII = seen & highs != 0
                return i + n
            }
            seen |= w
            i += 8
        }
        while i < count {
            let c = p[i]
            if c == 0x22 || c == 0x5C || c < 0x20 { break }
            seen |= UInt64(c)
            i += 1
        }
        nonASCII = seen & highs != 0
        return i
    }
}

extension JSONBytes {
    /// Whether the `count` bytes from `p` are well-formed UTF-8 (no overlong forms, no surrogates, nothing past
    /// U+10FFFF). ASCII, the usual case, is checked eight bytes at a time.
    static func isValidUTF8(_ p: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        var i = 0
        while true {
            while i + 8 <= count {
                let w = UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)
                if w & 0x8080_8080_8080_8080 != 0 { break }
                i += 8
            }
            while i < count, p[i] < 0x80 { i += 1 }
            guard i < count else { return true }
            let lead = p[i]
            let length: Int
            var low: UInt8 = 0x80, high: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; low = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; high = 0x9F  // no surrogates
            case 0xF0: length = 4; low = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; high = 0x8F  // nothing past U+10FFFF
            default: return false
            }
            guard i + length <= count, (low...high).contains(p[i + 1]) else { return false }
            for k in 2..<max(2, length) where p[i + k] & 0xC0 != 0x80 { return false }
            i += length
        }
    }

    /// What is wrong with a text value, by the rules every string a projection stores must keep: no control
    /// characters (C0, DEL, C1; PostgreSQL text cannot hold NUL at all) and at most `maxBytes` UTF-8 bytes.
    /// The bytes must already be valid UTF-8 (the parser checks every string).
    static func textProblem(_ p: UnsafePointer<UInt8>?, _ count: Int, maxBytes: Int) -> TextProblem? {
        guard count <= maxBytes else { return .tooLong(count) }
        guard let p else { return nil }
        // Eight bytes at a time past words without a control byte, DEL or 0xC2 (the lead of C1 controls,
        // and of ordinary Latin-1 letters too: those words are then looked at byte by byte).
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        var i = 0
        while i + 8 <= count {
            let w = UInt64(littleEndian: UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self))
            let del = w ^ (ones &* 0x7F), c2 = w ^ (ones &* 0xC2)
            let flagged = (((w &- ones &* 0x20) & ~w) | ((del &- ones) & ~del) | ((c2 &- ones) & ~c2)) & highs
            if flagged != 0 { break }
            i += 8
        }
        while i < count {
            let c = p[i]
            if c < 0x20 || c == 0x7F { return .controlCharacter(UInt32(c)) }
            // C1 controls U+0080...U+009F are C2 80...C2 9F in UTF-8.
            if c == 0xC2, i + 1 < count, p[i + 1] < 0xA0 { return .controlCharacter(UInt32(p[i + 1])) }
            i += 1
        }
        return nil
    }

    enum TextProblem: Equatable {
        case tooLong(Int)
        case controlCharacter(UInt32)

        private func hex4(_ c: UInt32) -> String {
            let digits = String(c, radix: 16, uppercase: true)
            return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
        }

        func reason(maxBytes: Int) -> String {
            switch self {
            case .tooLong(let n): "is \(n) bytes long; at most \(maxBytes) are accepted"
            case .controlCharacter(let c):
                "contains the control character U+\(hex4(c)) (NUL bytes and other control characters cannot be stored)"
            }
        }
    }
}
