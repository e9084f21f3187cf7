import Foundation
import Kafka
import Replay
import Testing

/// Archive files without a broker: written, read back, decompressed by the standard `lz4` tool, and refused
/// with their position when cut or damaged.
@Suite struct ArchiveFileTests {
    static func records(_ n: Int) -> [ArchiveRecord] {
        (0..<n).map { (i: Int) -> ArchiveRecord in
            let time: Int64? = i % 7 == 0 ? nil : 1_716_163_200_000 + Int64(i) * 1_000
            let key: [UInt8]? = i % 5 == 0 ? nil : Array("park/ride-\(i % 11)".utf8)
            let headers: [KafkaHeader] =
                i % 4 == 0 ? [] : [KafkaHeader(key: "trace", value: [0, 1, 2, UInt8(i % 256)]), KafkaHeader(key: "null", value: nil)]
            var value: [UInt8] = Array("{\"id\":\"e\(i)\",\"n\":\(i)}".utf8)
            value.append(UInt8(i % 256))
            if i % 9 == 0 { value = [] }
            return ArchiveRecord(partition: Int32(i % 3), offset: Int64(i / 3), timestampMs: time, key: key, headers: headers, value: value)
        }
    }

    static func write(_ records: [ArchiveRecord], to path: String) throws -> ArchiveSummary {
        let writer = try ArchiveWriter(path: path, topic: "parks.wait-times", turnstileVersion: "turnstile test", createdAt: 1_700_000_000_000_000)
        for r in records { try writer.append(r) }
        return try writer.finish()
    }

    static func temporary(_ name: String) -> String {
        NSTemporaryDirectory() + "turnstile-archive-\(UUID().uuidString.prefix(8))-\(name)"
    }

    @Test func recordsComeBackByteForByteWithTheirSummary() throws {
        let path = Self.temporary("round.tsa")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let records = Self.records(5_000)
        let written = try Self.write(records, to: path)
        #expect(!FileManager.default.fileExists(atPath: path + ".partial") && !FileManager.default.fileExists(atPath: path + ".records.partial"))
        var read: [ArchiveRecord] = []
        var header: ArchiveSummary?
        let summary = try ArchiveReader.read(path, header: { header = $0 }) { read.append($0) }
        #expect(read == records)
        #expect(summary == written && header == written)
        #expect(summary.records == 5_000 && summary.partitions.map(\.partition) == [0, 1, 2])
        #expect(summary.partitions[0].firstOffset == 0 && summary.partitions[0].lastOffset == 1_666 && summary.partitions[0].records == 1_667)
        #expect(summary.eventTypes["WaitTimeObserved"] == nil, "these values are not envelopes")
        #expect(summary.eventTypes["(not an event)"] == 5_000)
    }

    @Test func theStandardLZ4ToolDecompressesIt() throws {
        let path = Self.temporary("tool.tsa")
        defer {
            try? FileManager.default.removeItem(atPath: path)
            try? FileManager.default.removeItem(atPath: path + ".out")
        }
        _ = try Self.write(Self.records(300), to: path)
        let tool = Process()
        tool.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        tool.arguments = ["lz4", "-d", "-f", "-q", path, path + ".out"]
        try tool.run()
        tool.waitUntilExit()
        #expect(tool.terminationStatus == 0, "lz4 -d failed (is the lz4 tool installed? ops/install installs it)")
        let content = try #require(FileManager.default.contents(atPath: path + ".out"))
        #expect(content.starts(with: Array("TURNSTILE ARCHIVE 1\n".utf8)))
        #expect(content.last == UInt8(300 % 256), "the trailer counts the records")
    }

    @Test func aCutArchiveIsRefusedWithItsPosition() throws {
        let path = Self.temporary("cut.tsa")
        defer { try? FileManager.default.removeItem(atPath: path) }
        _ = try Self.write(Self.records(2_000), to: path)
        let whole = try #require(FileManager.default.contents(atPath: path))
        for length in [0, 3, 20, whole.count / 3, whole.count / 2, whole.count - 5, whole.count - 1] {
            try whole.prefix(length).write(to: URL(fileURLWithPath: path))
            do {
                _ = try ArchiveReader.read(path) { _ in }
                Issue.record("an archive cut to \(length) of \(whole.count) bytes was accepted")
            } catch let error as ArchiveError {
                #expect(error.place == .file(length), "cut at \(length): \(error)")
                #expect(error.reason.contains("cut short") || error.reason.contains("ends"), "\(error)")
            }
        }
    }

    @Test func aDamagedArchiveIsRefusedWithItsPosition() throws {
        let path = Self.temporary("flip.tsa")
        defer { try? FileManager.default.removeItem(atPath: path) }
        _ = try Self.write(Self.records(2_000), to: path)
        let whole = try #require(FileManager.default.contents(atPath: path))
        for position in [4, 40, whole.count / 2, whole.count - 3] {
            var damaged = whole
            damaged[position] ^= 0x10
            try damaged.write(to: URL(fileURLWithPath: path))
            var delivered = 0
            do {
                _ = try ArchiveReader.read(path) { _ in delivered += 1 }
                Issue.record("an archive with byte \(position) flipped was accepted")
            } catch let error as ArchiveError {
                guard case .file(let at) = error.place else {
                    Issue.record("a damaged frame is a frame error: \(error)")
                    continue
                }
                // Named by the start of the part of the frame that holds the flipped byte (blocks of at most 1 MB).
                #expect(at <= position && position - at <= (1 << 20) + 8, "flip at \(position) reported at \(at): \(error)")
                #expect(!error.reason.isEmpty)
            }
            // Damage in a block stops the records there; damage in the content checksum at the very end is found
            // after the records (streamed), and still fails the read (which is why import checks first).
            if position < whole.count - 8 { #expect(delivered < 2_000, "every record of a damaged archive was delivered as good") }
        }
    }

    @Test func somethingElseIsNotAnArchive() throws {
        let path = Self.temporary("other.tsa")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data("just text, not LZ4".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: ArchiveError.self) { try ArchiveReader.read(path) { _ in } }
        #expect(throws: ArchiveError.self) { try ArchiveReader.read(path + ".missing") { _ in } }
    }
}
