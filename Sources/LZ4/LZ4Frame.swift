import CLZ4

/// The LZ4 frame format (liblz4's `lz4frame.h`): what the `lz4` command writes and reads, with a checksum of
/// every block and of the whole content. Streaming both ways, so an archive of any size goes through a fixed
/// buffer.
public enum LZ4Frame {
    /// A frame that cannot be read: damaged, cut short, or not LZ4. `position` is the byte of the compressed
    /// input where it was found.
    public struct Malformed: Error, CustomStringConvertible, Equatable {
        public var position: Int
        public var reason: String
        public var description: String { "LZ4 frame, at byte \(position): \(reason)" }
    }

    /// Compresses a stream into one frame, handing compressed bytes to `sink` as they are made.
    public struct Writer: ~Copyable {
        private var context: OpaquePointer?
        private var preferences = LZ4F_preferences_t()
        private var buffer: [UInt8] = []
        private let sink: (UnsafeRawBufferPointer) throws -> Void
        /// Uncompressed bytes taken so far.
        public private(set) var contentSize = 0

        public init(sink: @escaping (UnsafeRawBufferPointer) throws -> Void) throws {
            self.sink = sink
            var ctx: OpaquePointer?
            let made = LZ4F_createCompressionContext(&ctx, UInt32(LZ4F_VERSION))
            guard LZ4F_isError(made) == 0, let ctx else { throw Malformed(position: 0, reason: Self.name(made)) }
            context = ctx
            preferences.frameInfo.blockSizeID = LZ4F_max1MB
            preferences.frameInfo.blockMode = LZ4F_blockLinked
            preferences.frameInfo.contentChecksumFlag = LZ4F_contentChecksumEnabled
            preferences.frameInfo.blockChecksumFlag = LZ4F_blockChecksumEnabled
            buffer = [UInt8](repeating: 0, count: max(Int(LZ4F_HEADER_SIZE_MAX), 64))
            let header = buffer.withUnsafeMutableBytes { dst in
                LZ4F_compressBegin(ctx, dst.baseAddress, dst.count, &preferences)
            }
            try check(header)
            try buffer.withUnsafeBytes { try sink(UnsafeRawBufferPointer(rebasing: $0[..<header])) }
        }

        deinit { if let context { LZ4F_freeCompressionContext(context) } }

        /// Compresses `bytes` (in pieces of at most 1 MB, whatever its size).
        public mutating func write(_ bytes: UnsafeRawBufferPointer) throws {
            var rest = bytes[...]
            while !rest.isEmpty {
                let piece = UnsafeRawBufferPointer(rebasing: rest.prefix(1 << 20))
                rest = rest.dropFirst(piece.count)
                let bound = LZ4F_compressBound(piece.count, &preferences)
                if buffer.count < bound { buffer = [UInt8](repeating: 0, count: bound) }
                let ctx = context
                let made = buffer.withUnsafeMutableBytes { dst in
                    LZ4F_compressUpdate(ctx, dst.baseAddress, dst.count, piece.baseAddress, piece.count, nil)
                }
                try check(made)
                contentSize += piece.count
                if made > 0 { try buffer.withUnsafeBytes { try sink(UnsafeRawBufferPointer(rebasing: $0[..<made])) } }
            }
        }

        public mutating func write(_ bytes: [UInt8]) throws { try bytes.withUnsafeBytes { try write($0) } }

        /// Flushes the last block and writes the end mark and the content checksum.
        public mutating func finish() throws {
            let bound = LZ4F_compressBound(0, &preferences) + 16
            if buffer.count < bound { buffer = [UInt8](repeating: 0, count: bound) }
            let ctx = context
            let made = buffer.withUnsafeMutableBytes { dst in LZ4F_compressEnd(ctx, dst.baseAddress, dst.count, nil) }
            try check(made)
            try buffer.withUnsafeBytes { try sink(UnsafeRawBufferPointer(rebasing: $0[..<made])) }
        }

        private func check(_ code: Int) throws {
            guard LZ4F_isError(code) == 0 else { throw Malformed(position: 0, reason: Self.name(code)) }
        }

        static func name(_ code: Int) -> String { String(cString: LZ4F_getErrorName(code)) }
    }

    /// Decompresses one frame fed in pieces; checks every block's checksum and, at the end, the content's.
    public struct Reader: ~Copyable {
        private var context: OpaquePointer?
        private var output = [UInt8](repeating: 0, count: 1 << 20)
        /// Compressed bytes consumed so far (the position of an error).
        public private(set) var consumed = 0
        /// True once the frame's end mark and content checksum were read and matched.
        public private(set) var finished = false

        public init() throws {
            var ctx: OpaquePointer?
            let made = LZ4F_createDecompressionContext(&ctx, UInt32(LZ4F_VERSION))
            guard LZ4F_isError(made) == 0, let ctx else { throw Malformed(position: 0, reason: Writer.name(made)) }
            context = ctx
        }

        deinit { if let context { LZ4F_freeDecompressionContext(context) } }

        /// What the decompressor asks for next: the rest of the frame header, then one whole block at a time
        /// (so that a damaged block is named by where it starts).
        private var hint = 7

        /// Decompresses `input`, handing the content to `content` as it comes. Bytes after the frame's end are an
        /// error (an archive is one frame).
        public mutating func feed(_ input: UnsafeRawBufferPointer, content: (UnsafeRawBufferPointer) throws -> Void) throws {
            var offset = 0
            while offset < input.count {
                guard !finished else {
                    throw Malformed(position: consumed, reason: "\(input.count - offset) bytes after the end of the frame")
                }
                var sourceSize = min(input.count - offset, max(1, hint))
                var produced = output.count
                let ctx = context
                let next = output.withUnsafeMutableBytes { dst in
                    LZ4F_decompress(ctx, dst.baseAddress, &produced, input.baseAddress! + offset, &sourceSize, nil)
                }
                guard LZ4F_isError(next) == 0 else {
                    throw Malformed(position: consumed, reason: "\(Writer.name(next)) (in the part of the frame that starts here)")
                }
                offset += sourceSize
                consumed += sourceSize
                if produced > 0 { try output.withUnsafeBytes { try content(UnsafeRawBufferPointer(rebasing: $0[..<produced])) } }
                hint = next
                if next == 0 { finished = true }
                if sourceSize == 0 && produced == 0 { break }
            }
        }

        /// At the end of the input: a frame that has not reached its end mark was cut short.
        public func end() throws {
            guard finished else {
                throw Malformed(
                    position: consumed,
                    reason: "the input ends inside the frame (cut short: its end mark and content checksum are missing)")
            }
        }
    }
}
