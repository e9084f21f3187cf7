import Events

/// Where a stream client is: for each topic it reads, the next offset of every partition. It is the SSE event id
/// (`id:`), so a client reconnecting with `Last-Event-ID` names exactly what it has seen, whichever server of the
/// deployment it reconnects to.
///
/// Encoding (compact: it travels with every event): base64url, no padding, of a version byte (1) and, per topic
/// in catalog order, the topic's catalog index, its partition count and each partition's offset, as LEB128
/// varints.
public struct StreamPosition: Sendable, Equatable {
    /// Next offset per partition, per topic.
    public var offsets: [Topic: [Int64]]

    public init(_ offsets: [Topic: [Int64]] = [:]) { self.offsets = offsets }

    static let version: UInt8 = 1

    /// The same position restricted to `topics` (those of them it has).
    public func restricted(to topics: some Sequence<Topic>) -> StreamPosition {
        var out: [Topic: [Int64]] = [:]
        for t in topics { if let o = offsets[t] { out[t] = o } }
        return StreamPosition(out)
    }

    public var encoded: String {
        var bytes: [UInt8] = [Self.version]
        bytes.reserveCapacity(8 + offsets.values.reduce(0) { $0 + $1.count * 3 })
        for (index, topic) in Topic.allCases.enumerated() {
            guard let partitions = offsets[topic] else { continue }
            bytes.append(UInt8(index))
            Self.appendVarint(UInt64(partitions.count), to: &bytes)
            for offset in partitions { Self.appendVarint(UInt64(max(0, offset)), to: &bytes) }
        }
        return Base64URL.encode(bytes)
    }

    /// The position an id names; nil when it is not one this encoding wrote.
    public init?(encoded text: String) {
        guard text.utf8.count <= 4_096, let bytes = Base64URL.decode(text), bytes.first == Self.version else { return nil }
        var i = 1
        var offsets: [Topic: [Int64]] = [:]
        var last = -1
        while i < bytes.count {
            let index = Int(bytes[i])
            i += 1
            // Topics in catalog order, each once.
            guard index > last, index < Topic.allCases.count else { return nil }
            last = index
            guard let count = Self.readVarint(bytes, &i), count > 0, count <= 4_096 else { return nil }
            var partitions: [Int64] = []
            partitions.reserveCapacity(Int(count))
            for _ in 0..<count {
                guard let offset = Self.readVarint(bytes, &i), offset <= UInt64(Int64.max) else { return nil }
                partitions.append(Int64(offset))
            }
            offsets[Topic.allCases[index]] = partitions
        }
        self.offsets = offsets
    }

    static func appendVarint(_ value: UInt64, to bytes: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    static func readVarint(_ bytes: [UInt8], _ i: inout Int) -> UInt64? {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while i < bytes.count, shift < 64 {
            let b = bytes[i]
            i += 1
            value |= UInt64(b & 0x7F) << shift
            if b & 0x80 == 0 { return value }
            shift += 7
        }
        return nil
    }
}

/// RFC 4648 §5 (URL- and filename-safe) without padding: what an SSE id and a query string carry unescaped.
enum Base64URL {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
    private static let values: [Int8] = {
        var table = [Int8](repeating: -1, count: 256)
        for (i, c) in alphabet.enumerated() { table[Int(c)] = Int8(i) }
        return table
    }()

    static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count * 4 + 2) / 3)
        var i = 0
        while i + 3 <= bytes.count {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            out += [alphabet[Int(n >> 18)], alphabet[Int(n >> 12 & 63)], alphabet[Int(n >> 6 & 63)], alphabet[Int(n & 63)]]
            i += 3
        }
        let rest = bytes.count - i
        if rest == 1 {
            let n = UInt32(bytes[i]) << 16
            out += [alphabet[Int(n >> 18)], alphabet[Int(n >> 12 & 63)]]
        } else if rest == 2 {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8
            out += [alphabet[Int(n >> 18)], alphabet[Int(n >> 12 & 63)], alphabet[Int(n >> 6 & 63)]]
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func decode(_ text: String) -> [UInt8]? {
        let chars = Array(text.utf8)
        guard chars.count % 4 != 1 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(chars.count * 3 / 4)
        var buffer: UInt32 = 0
        var bits = 0
        for c in chars {
            let v = values[Int(c)]
            guard v >= 0 else { return nil }
            buffer = buffer << 6 | UInt32(v)
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
            }
        }
        // Leftover bits must be zero: one text per byte string.
        guard buffer & ((1 << UInt32(bits)) - 1) == 0 else { return nil }
        return out
    }
}
