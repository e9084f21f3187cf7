import Foundation
import LZ4

/// An archive read one record at a time (a pull, where `ArchiveReader.read` pushes): the header when opened,
/// then `next()` until nil, which comes only once the trailer and the frame's checksum have confirmed the
/// archive whole. Damage throws an `ArchiveError` where it is found.
public final class ArchiveStream {
    public let path: String
    public private(set) var summary: ArchiveSummary
    private let input: FileHandle
    private var frame: LZ4Frame.Reader
    private var parser: ArchiveReader.Parser
    private var queue: [ArchiveRecord] = []
    private var next = 0
    private var ended = false

    public init(path: String) throws {
        guard let input = FileHandle(forReadingAtPath: path) else {
            throw ArchiveError(path: path, place: .whole, reason: "cannot open the file: does it exist?")
        }
        self.path = path
        self.input = input
        do { frame = try LZ4Frame.Reader() } catch let e as LZ4Frame.Malformed {
            throw ArchiveError(path: path, place: .file(e.position), reason: e.reason)
        }
        parser = ArchiveReader.Parser(path: path)
        summary = ArchiveSummary(topic: "", turnstileVersion: "", createdAt: 0)
        var header: ArchiveSummary?
        while header == nil {
            guard try fill(header: { header = $0 }) else {
                throw ArchiveError(path: path, place: .content(0), reason: "the archive ends before its header")
            }
        }
        summary = header!
    }

    deinit { try? input.close() }

    /// The next record; nil at the end of a whole archive.
    public func nextRecord() throws -> ArchiveRecord? {
        while next == queue.count {
            queue.removeAll(keepingCapacity: true)
            next = 0
            guard try fill(header: { _ in }) else { return nil }
        }
        defer { next += 1 }
        return queue[next]
    }

    /// Reads and parses one more piece of the file; false at its end (after checking the archive is whole).
    private func fill(header: (ArchiveSummary) throws -> Void) throws -> Bool {
        guard !ended else { return false }
        do {
            guard let chunk = try input.read(upToCount: 1 << 20), !chunk.isEmpty else {
                try frame.end()
                _ = try parser.finish()
                ended = true
                return false
            }
            try chunk.withUnsafeBytes { bytes in
                try frame.feed(bytes) { content in try parser.take(content, header: header) { queue.append($0) } }
            }
            return true
        } catch let e as LZ4Frame.Malformed {
            throw ArchiveError(path: path, place: .file(e.position), reason: e.reason)
        }
    }
}
