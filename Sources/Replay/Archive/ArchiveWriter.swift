import Foundation
import LZ4

/// Writes an archive: records are spooled to a side file while the summary is built, then the whole archive
/// (magic, header, records, trailer) is compressed into one LZ4 frame under a temporary name, and renamed into
/// place at the end. Nothing half-written ever carries the final name.
public final class ArchiveWriter {
    public let path: String
    private var summary: ArchiveSummary
    private let spoolPath: String
    private let spool: FileHandle
    private var buffer: [UInt8] = []

    public init(path: String, topic: String, turnstileVersion: String, createdAt: Int64) throws {
        self.path = path
        self.summary = ArchiveSummary(topic: topic, turnstileVersion: turnstileVersion, createdAt: createdAt)
        self.spoolPath = path + ".records.partial"
        guard FileManager.default.createFile(atPath: spoolPath, contents: nil), let handle = FileHandle(forWritingAtPath: spoolPath) else {
            throw ArchiveError(path: path, place: .whole, reason: "cannot create \(spoolPath): is the folder writable?")
        }
        spool = handle
        buffer.reserveCapacity(4 << 20)
    }

    public var records: Int { summary.records }

    public func append(_ record: ArchiveRecord) throws {
        summary.add(record)
        record.append(to: &buffer)
        if buffer.count >= 4 << 20 { try flushSpool() }
    }

    private func flushSpool() throws {
        try spool.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes the archive and returns its summary. `progress` gets the spooled bytes compressed so far.
    @discardableResult
    public func finish(progress: (Int, Int) -> Void = { _, _ in }) throws -> ArchiveSummary {
        try flushSpool()
        try spool.close()
        defer { try? FileManager.default.removeItem(atPath: spoolPath) }
        let partial = path + ".partial"
        guard FileManager.default.createFile(atPath: partial, contents: nil), let out = FileHandle(forWritingAtPath: partial) else {
            throw ArchiveError(path: path, place: .whole, reason: "cannot create \(partial): is the folder writable?")
        }
        do {
            var frame = try LZ4Frame.Writer { bytes in out.write(Data(bytes)) }
            let header = Array(summary.json.utf8)
            var head = ArchiveFormat.magic
            ArchiveFormat.put(UInt32(header.count), 4, &head)
            try frame.write(head + header)
            guard let input = FileHandle(forReadingAtPath: spoolPath) else {
                throw ArchiveError(path: path, place: .whole, reason: "the spooled records vanished")
            }
            defer { try? input.close() }
            let total = (try? FileManager.default.attributesOfItem(atPath: spoolPath)[.size] as? Int) ?? 0
            var done = 0
            while let chunk = try input.read(upToCount: 4 << 20), !chunk.isEmpty {
                try chunk.withUnsafeBytes { try frame.write($0) }
                done += chunk.count
                progress(done, total)
            }
            var trailer = [ArchiveFormat.trailerTag]
            ArchiveFormat.put(UInt64(summary.records), 8, &trailer)
            try frame.write(trailer)
            try frame.finish()
            try out.synchronize()
            try out.close()
            if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
            try FileManager.default.moveItem(atPath: partial, toPath: path)
        } catch {
            try? out.close()
            try? FileManager.default.removeItem(atPath: partial)
            throw error
        }
        return summary
    }

    /// Drops what was spooled (an export that failed or was interrupted).
    public func abandon() {
        try? spool.close()
        try? FileManager.default.removeItem(atPath: spoolPath)
    }
}
