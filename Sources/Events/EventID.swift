/// Event identifiers, formatted as UUIDs.
public enum EventID {
    /// A random (version 4) id for a raw event entering the system.
    public static func random() -> String {
        var g = SystemRandomNumberGenerator()
        return format(g.next(), g.next(), version: 4)
    }

    /// A deterministic id derived from the inputs that caused an event (version 8, "custom").
    ///
    /// Derived events must get the same id however often they are recomputed (a replay, a crash before the
    /// outbox was marked sent), so consumers can drop duplicates by id.
    public static func derived(_ parts: String...) -> String { derived(parts) }

    public static func derived(_ parts: [String]) -> String {
        var h = PartsHash()
        for part in parts { h.add(part) }
        return h.id
    }

    /// The same id as `derived([first, second])`, without building the array: every derived event gets one.
    public static func derived(_ first: String, _ second: String) -> String {
        var h = PartsHash()
        h.add(first)
        h.add(second)
        return h.id
    }

    /// Two FNV-1a-style lanes over the parts' UTF-8, finalised into a version 8 UUID.
    private struct PartsHash {
        var a: UInt64 = 0xcbf2_9ce4_8422_2325
        var b: UInt64 = 0x8422_2325_cbf2_9ce4

        mutating func add(_ part: String) {
            var part = part
            part.withUTF8 { bytes in
                for byte in bytes {
                    a = (a ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
                    b = (b ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 &+ 0x9E37_79B9_7F4A_7C15
                }
            }
            // Separator so ("ab","c") and ("a","bc") differ.
            a = (a ^ 0x1F) &* 0x0000_0100_0000_01B3
            b = (b ^ 0x1F) &* 0x0000_0100_0000_01B3
        }

        var id: String { EventID.format(EventID.mix(a), EventID.mix(b ^ a), version: 8) }
    }

    /// splitmix64 finaliser: spreads FNV's weak low bits over the whole word.
    fileprivate static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    fileprivate static func format(_ hi: UInt64, _ lo: UInt64, version: UInt64) -> String {
        let hi = (hi & ~0xF000) | (version << 12)
        let lo = (lo & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000
        let hex: StaticString = "0123456789abcdef"
        // Written straight into the string's storage: every derived event gets an id.
        return String(unsafeUninitializedCapacity: 36) { out in
            var i = 0
            func put(_ word: UInt64, nibbles: ClosedRange<Int>) {
                for n in nibbles {
                    out[i] = hex.utf8Start[Int((word >> UInt64(60 - 4 * n)) & 0xF)]
                    i += 1
                }
            }
            func dash() {
                out[i] = UInt8(ascii: "-")
                i += 1
            }
            put(hi, nibbles: 0...7); dash(); put(hi, nibbles: 8...11); dash(); put(hi, nibbles: 12...15); dash()
            put(lo, nibbles: 0...3); dash(); put(lo, nibbles: 4...15)
            return i
        }
    }
}
