/// The content of an archive, inside its LZ4 frame: a magic line, a JSON header (`ArchiveSummary`), the records
/// (`ArchiveRecord`), and a trailer (tag `E`, u64 record count) that says the content is whole.
enum ArchiveFormat {
    static let magic = Array("TURNSTILE ARCHIVE 1\n".utf8)
    static let recordTag = UInt8(ascii: "R")
    static let trailerTag = UInt8(ascii: "E")
    /// Largest header, key, header value or record value accepted when reading (a damaged length must not make
    /// the reader wait for gigabytes).
    static let maxField = 64 << 20

    static func put<T: FixedWidthInteger>(_ value: T, _ bytes: Int, _ out: inout [UInt8]) {
        let v = UInt64(truncatingIfNeeded: value)
        for i in stride(from: bytes - 1, through: 0, by: -1) { out.append(UInt8(truncatingIfNeeded: v >> (8 * UInt64(i)))) }
    }
}

/// A reading position in an archive's content, and the error that names it.
struct ContentCursor {
    let bytes: UnsafeRawBufferPointer
    var index: Int
    /// Where `bytes` starts in the whole content.
    let base: Int

    /// nil when fewer than `n` bytes are left (more content is needed).
    mutating func take(_ n: Int) -> UnsafeRawBufferPointer? {
        guard n >= 0, bytes.count - index >= n else { return nil }
        defer { index += n }
        return UnsafeRawBufferPointer(rebasing: bytes[index..<index + n])
    }

    mutating func integer(_ n: Int) -> UInt64? {
        guard let b = take(n) else { return nil }
        return b.reduce(0) { $0 << 8 | UInt64($1) }
    }

    var position: Int { base + index }
}

/// An archive that cannot be read: where (the byte of the file for the frame, of the decompressed content for
/// records) and what was expected there.
public struct ArchiveError: Error, CustomStringConvertible, Equatable {
    public enum Place: Sendable, Equatable {
        /// Not about a byte: the file cannot be opened, the topic is missing…
        case whole
        case file(Int)
        case content(Int)
    }
    public var path: String
    public var place: Place
    public var reason: String

    public var description: String {
        switch place {
        case .whole: "\(path): \(reason)"
        case .file(let n): "\(path): byte \(n) of the file: \(reason)"
        case .content(let n): "\(path): byte \(n) of the decompressed content: \(reason)"
        }
    }
}
