/// librdkafka treats a NULL pointer as "null" (no key, tombstone value, null header), while Swift hands
/// out a nil base address for empty arrays. These helpers keep "empty" and "null" apart.
enum ByteBuffers {
    /// Runs `body` with a non-NULL pointer to `bytes`, even when `bytes` is empty.
    static func withNonNullBytes<R>(_ bytes: [UInt8], _ body: (UnsafeRawPointer, Int) throws -> R) rethrows -> R {
        if bytes.isEmpty {
            var placeholder: UInt8 = 0
            return try withUnsafeBytes(of: &placeholder) { try body($0.baseAddress!, 0) }
        }
        return try bytes.withUnsafeBytes { try body($0.baseAddress!, $0.count) }
    }

    /// Runs `body` with NULL for nil and a non-NULL pointer otherwise.
    static func withOptionalBytes<R>(_ bytes: [UInt8]?, _ body: (UnsafeRawPointer?, Int) throws -> R) rethrows -> R {
        guard let bytes else { return try body(nil, 0) }
        return try withNonNullBytes(bytes) { try body($0, $1) }
    }

    /// Copies `count` bytes at `pointer` into an array; nil for a NULL pointer.
    static func copy(_ pointer: UnsafeRawPointer?, count: Int) -> [UInt8]? {
        guard let pointer else { return nil }
        return [UInt8](UnsafeRawBufferPointer(start: pointer, count: count))
    }
}
