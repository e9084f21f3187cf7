import CLZ4

/// LZ4 block compression (liblz4) of whole buffers whose size the reader stores beside them: a few hundred
/// MB/s on one core, cheap enough for a commit path.
public enum LZ4Block {
    /// A buffer that does not decompress to the size stored beside it: damaged, or not LZ4.
    public struct Malformed: Error, CustomStringConvertible, Equatable {
        public var reason: String
        public var description: String { "LZ4 block: \(reason)" }
    }

    /// Largest input liblz4 takes in one block (`LZ4_MAX_INPUT_SIZE`).
    public static let maxInputSize = 0x7E00_0000

    /// Appends the compressed form of `input` to `out`.
    public static func compress(_ input: UnsafeRawBufferPointer, appendingTo out: inout [UInt8]) {
        precondition(input.count <= maxInputSize, "LZ4 block input over \(maxInputSize) bytes")
        let bound = Int(LZ4_compressBound(Int32(input.count)))
        let start = out.count
        out.append(contentsOf: repeatElement(0, count: bound))
        let written = out.withUnsafeMutableBytes { dst in
            LZ4_compress_default(
                input.baseAddress?.assumingMemoryBound(to: CChar.self),
                dst.baseAddress!.advanced(by: start).assumingMemoryBound(to: CChar.self), Int32(input.count),
                Int32(bound))
        }
        // Cannot fail with a destination of `LZ4_compressBound` bytes.
        precondition(written > 0 || input.isEmpty, "LZ4_compress_default failed")
        out.removeLast(bound - Int(written))
    }

    /// The `originalSize` bytes that `compressed` holds.
    public static func decompress(_ compressed: UnsafeRawBufferPointer, originalSize: Int) throws(Malformed) -> [UInt8] {
        guard originalSize >= 0, originalSize <= maxInputSize else {
            throw Malformed(reason: "stored size \(originalSize) is out of range")
        }
        guard originalSize > 0 else {
            guard compressed.count <= 1 else { throw Malformed(reason: "data for an empty buffer") }
            return []
        }
        var out = [UInt8](repeating: 0, count: originalSize)
        let n = out.withUnsafeMutableBytes { dst in
            LZ4_decompress_safe(
                compressed.baseAddress?.assumingMemoryBound(to: CChar.self),
                dst.baseAddress!.assumingMemoryBound(to: CChar.self), Int32(compressed.count), Int32(originalSize))
        }
        guard n == originalSize else {
            throw Malformed(reason: n < 0 ? "corrupt data" : "decompressed to \(n) bytes, not \(originalSize)")
        }
        return out
    }
}
