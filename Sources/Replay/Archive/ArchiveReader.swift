import Foundation
import Kafka
import LZ4

/// Reads an archive front to back: the LZ4 frame (every block's checksum, the content checksum at the end),
/// then the content (magic, header, records, trailer). Any damage stops it with an `ArchiveError` naming the
/// byte (of the file for the frame, of the content for what is inside) and what was expected there.
public enum ArchiveReader {
    /// Calls `header` once, then `record` for each record in order; returns the summary once the trailer and the
    /// frame's checksum have confirmed the archive is whole.
    @discardableResult
    public static func read(
        _ path: String, header: (ArchiveSummary) throws -> Void = { _ in }, record: (ArchiveRecord) throws -> Void
    ) throws -> ArchiveSummary {
        guard let input = FileHandle(forReadingAtPath: path) else {
            throw ArchiveError(path: path, place: .whole, reason: "cannot open the file: does it exist?")
        }
        defer { try? input.close() }
        var frame: LZ4Frame.Reader
        do { frame = try LZ4Frame.Reader() } catch let e as LZ4Frame.Malformed {
            throw ArchiveError(path: path, place: .file(e.position), reason: e.reason)
        }
        var parser = Parser(path: path)
        do {
            while let chunk = try input.read(upToCount: 1 << 20), !chunk.isEmpty {
                try chunk.withUnsafeBytes { bytes in
                    try frame.feed(bytes) { content in try parser.take(content, header: header, record: record) }
                }
            }
            try frame.end()
        } catch let e as LZ4Frame.Malformed {
            throw ArchiveError(path: path, place: .file(e.position), reason: e.reason)
        }
        return try parser.finish()
    }

    /// The content, parsed as it is decompressed.
    struct Parser {
        enum Stage { case magic, headerLength, header(Int), records, done }
        let path: String
        var stage = Stage.magic
        var pending: [UInt8] = []
        /// Content bytes before `pending[0]`.
        var base = 0
        var summary: ArchiveSummary?
        var count = 0

        init(path: String) { self.path = path }

        func error(_ position: Int, _ reason: String) -> ArchiveError {
            ArchiveError(path: path, place: .content(position), reason: reason)
        }

        mutating func take(
            _ content: UnsafeRawBufferPointer, header: (ArchiveSummary) throws -> Void, record: (ArchiveRecord) throws -> Void
        ) throws {
            pending.append(contentsOf: content)
            var used = 0
            try pending.withUnsafeBytes { all in
                var cursor = ContentCursor(bytes: all, index: 0, base: base)
                parsing: while true {
                    let start = cursor.index
                    switch stage {
                    case .magic:
                        guard let m = cursor.take(ArchiveFormat.magic.count) else { break parsing }
                        guard Array(m) == ArchiveFormat.magic else {
                            throw error(base + start, "expected the magic line 'TURNSTILE ARCHIVE 1': not a Turnstile archive")
                        }
                        stage = .headerLength
                    case .headerLength:
                        guard let n = cursor.integer(4) else { break parsing }
                        guard n <= UInt64(ArchiveFormat.maxField) else { throw error(base + start, "header length \(n) is not plausible") }
                        stage = .header(Int(n))
                    case .header(let n):
                        guard let h = cursor.take(n) else { break parsing }
                        guard let parsed = ArchiveSummary.parse(Array(h)) else {
                            throw error(base + start, "expected the JSON header of \(n) bytes")
                        }
                        summary = parsed
                        try header(parsed)
                        stage = .records
                    case .records:
                        guard let tag = cursor.take(1) else { break parsing }
                        if tag[0] == ArchiveFormat.trailerTag {
                            guard let n = cursor.integer(8) else { cursor.index = start; break parsing }
                            guard Int(n) == count else {
                                throw error(base + start, "the trailer counts \(n) records, \(count) were read")
                            }
                            guard count == summary?.records else {
                                throw error(base + start, "the header announces \(summary?.records ?? 0) records, \(count) were read")
                            }
                            stage = .done
                            continue parsing
                        }
                        guard tag[0] == ArchiveFormat.recordTag else {
                            throw error(base + start, "expected a record (R) or the trailer (E), found byte 0x\(String(tag[0], radix: 16))")
                        }
                        guard let r = try Self.record(&cursor, error: { error($0, $1) }) else {
                            cursor.index = start
                            break parsing
                        }
                        count += 1
                        try record(r)
                    case .done:
                        if cursor.index < all.count { throw error(base + cursor.index, "content after the trailer") }
                        break parsing
                    }
                }
                used = cursor.index
            }
            if used > 0 {
                pending.removeFirst(used)
                base += used
            }
        }

        /// One record after its tag; nil when it is not all there yet.
        static func record(
            _ c: inout ContentCursor, error: (Int, String) -> ArchiveError
        ) throws -> ArchiveRecord? {
            guard let partition = c.integer(4), let offset = c.integer(8), let time = c.integer(8),
                  let keyLength = c.integer(4) else { return nil }
            var key: [UInt8]?
            if Int32(bitPattern: UInt32(keyLength)) != -1 {
                guard keyLength <= UInt64(ArchiveFormat.maxField) else { throw error(c.position - 4, "key length \(keyLength) is not plausible") }
                guard let k = c.take(Int(keyLength)) else { return nil }
                key = Array(k)
            }
            guard let headerCount = c.integer(2) else { return nil }
            var headers: [KafkaHeader] = []
            for _ in 0..<headerCount {
                guard let nameLength = c.integer(2), let name = c.take(Int(nameLength)), let valueLength = c.integer(4) else { return nil }
                var value: [UInt8]?
                if Int32(bitPattern: UInt32(valueLength)) != -1 {
                    guard valueLength <= UInt64(ArchiveFormat.maxField) else {
                        throw error(c.position - 4, "header value length \(valueLength) is not plausible")
                    }
                    guard let v = c.take(Int(valueLength)) else { return nil }
                    value = Array(v)
                }
                guard let text = String(validating: name, as: UTF8.self) else {
                    throw error(c.position, "a header name is not UTF-8")
                }
                headers.append(KafkaHeader(key: text, value: value))
            }
            guard let valueLength = c.integer(4) else { return nil }
            guard valueLength <= UInt64(ArchiveFormat.maxField) else { throw error(c.position - 4, "value length \(valueLength) is not plausible") }
            guard let value = c.take(Int(valueLength)) else { return nil }
            let ms = Int64(bitPattern: time)
            return ArchiveRecord(
                partition: Int32(bitPattern: UInt32(partition)), offset: Int64(bitPattern: offset), timestampMs: ms == -1 ? nil : ms,
                key: key, headers: headers, value: Array(value))
        }

        func finish() throws -> ArchiveSummary {
            guard case .done = stage, let summary else {
                throw error(base + pending.count, "the content ends before its trailer (the archive was cut short)")
            }
            return summary
        }
    }
}
