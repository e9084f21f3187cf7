/// FNV-1a, 64 bits: the ETags' hash (not for security: an ETag only has to change when its answer does). Parts are
/// separated, so "ab"+"c" and "a"+"bc" differ.
struct FNV1a {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func add(_ text: String) { add(bytes: text.utf8) }

    mutating func add(bytes: some Sequence<UInt8>) {
        for byte in bytes { value = (value ^ UInt64(byte)) &* 0x100_0000_01b3 }
        value = (value ^ 0xFF) &* 0x100_0000_01b3
    }
}
