import Kafka
import LZ4

/// A batch's outbox records framed into one `bytea`, so a batch writes ONE outbox row however many derived
/// events and dead letters it made: one tuple, one index entry and one TOAST value for PostgreSQL to write,
/// read back and delete, instead of one of each per record (the outbox was about a third of what the parks
/// pipeline wrote per event).
///
/// Layout (integers big-endian): a version byte, then for version 2 (written) the `u32` length of the framed
/// records and their LZ4 block (about a quarter of their size: mostly JSON), for version 1 (still read) the
/// framed records themselves. Per record, in outbox order:
/// `u16 topic length, topic | i32 key length (-1 = null), key | u32 value length, value |
///  u16 header count, per header: u16 key length, key, i32 value length (-1 = null), value |
///  u16 event id length (0xFFFF = null), event id`.
public enum OutboxBundle {
    static let plain: UInt8 = 1
    static let compressed: UInt8 = 2

    /// Why a bundle could not be read: it was not written by `encode` (or was damaged after).
    public struct Malformed: Error, CustomStringConvertible, Equatable {
        public var reason: String
        public var offset: Int
        public var description: String { "malformed outbox bundle at byte \(offset): \(reason)" }
    }

    public static func encode(_ records: [OutboxRecord]) -> [UInt8] {
        var builder = Builder(capacity: records.count)
        for r in records { builder.append(r) }
        return builder.encoded()
    }

    /// The records, framed, without version byte (the body of a version 1 bundle).
    static func frame(_ records: [OutboxRecord]) -> [UInt8] {
        var builder = Builder(capacity: records.count)
        for r in records { builder.append(r) }
        return builder.framed
    }

    /// The records of a bundle, in order. `eventIDs: false` leaves every `eventID` nil: the relay publishes
    /// records and has no use for them (ids travel inside the events' JSON).
    public static func decode(_ bytes: [UInt8], eventIDs: Bool = true) throws(Malformed) -> [OutboxRecord] {
        var header = Reader(bytes: bytes)
        switch try header.byte() {
        case plain:
            return try records(Reader(bytes: bytes, position: 1), eventIDs: eventIDs)
        case compressed:
            let size = Int(try header.uint32())
            let framed = bytes.withUnsafeBytes { all in
                Result { () throws(LZ4Block.Malformed) in
                    try LZ4Block.decompress(UnsafeRawBufferPointer(rebasing: all[5...]), originalSize: size)
                }
            }
            switch framed {
            case .success(let framed): return try records(Reader(bytes: framed), eventIDs: eventIDs)
            case .failure(let error): throw Malformed(reason: error.description, offset: 5)
            }
        case let v:
            throw Malformed(reason: "unknown version \(v)", offset: 0)
        }
    }

    private static func records(_ reader: Reader, eventIDs: Bool) throws(Malformed) -> [OutboxRecord] {
        var reader = reader
        var records: [OutboxRecord] = []
        // A bundle's records go to a topic or two, and a topic's derived events carry the same headers (their
        // type): share one topic string and one header list per run instead of allocating them per record.
        var lastTopic: (bytes: ArraySlice<UInt8>, topic: String)?
        var lastHeaders: (bytes: ArraySlice<UInt8>, headers: [KafkaHeader])?
        while !reader.atEnd {
            let topicBytes = try reader.take(Int(try reader.uint16()))
            let topic: String
            if let lastTopic, lastTopic.bytes.elementsEqual(topicBytes) {
                topic = lastTopic.topic
            } else {
                topic = String(decoding: topicBytes, as: UTF8.self)
                lastTopic = (topicBytes, topic)
            }
            let key = try reader.optionalBytes()
            let value = try reader.bytes(count: Int(try reader.uint32()))
            let headersStart = reader.position
            try reader.skipHeaders()
            let headerBytes = reader.bytes[headersStart..<reader.position]
            let headers: [KafkaHeader]
            if let lastHeaders, lastHeaders.bytes.elementsEqual(headerBytes) {
                headers = lastHeaders.headers
            } else {
                var headerReader = Reader(bytes: reader.bytes, position: headersStart)
                headers = try headerReader.headers()
                lastHeaders = (headerBytes, headers)
            }
            let idLength = try reader.uint16()
            var id: String?
            if idLength != UInt16.max {
                let idBytes = try reader.take(Int(idLength))
                if eventIDs { id = String(decoding: idBytes, as: UTF8.self) }
            }
            records.append(OutboxRecord(topic: topic, key: key, value: value, headers: headers, eventID: id))
        }
        return records
    }

    // MARK: Writing

    static func append<I: FixedWidthInteger>(_ v: I, to out: inout [UInt8]) {
        withUnsafeBytes(of: v.bigEndian) { out.append(contentsOf: $0) }
    }

    static func appendShortString(_ s: String, to out: inout [UInt8]) {
        // Topic names, header keys and ids are short by construction; a longer one is a programmer error.
        precondition(s.utf8.count < Int(UInt16.max), "outbox string longer than 65 534 bytes")
        append(UInt16(s.utf8.count), to: &out)
        out.append(contentsOf: s.utf8)
    }

    static func appendOptionalBytes(_ b: [UInt8]?, to out: inout [UInt8]) {
        guard let b else { return append(Int32(-1), to: &out) }
        append(Int32(b.count), to: &out)
        out.append(contentsOf: b)
    }

    // MARK: Reading

    private struct Reader {
        let bytes: [UInt8]
        var position = 0

        var atEnd: Bool { position == bytes.count }

        mutating func take(_ n: Int) throws(Malformed) -> ArraySlice<UInt8> {
            guard n >= 0, bytes.count - position >= n else {
                throw Malformed(reason: "truncated (\(n) bytes wanted, \(bytes.count - position) left)", offset: position)
            }
            defer { position += n }
            return bytes[position..<position + n]
        }

        mutating func byte() throws(Malformed) -> UInt8 { try take(1).first! }

        mutating func integer<I: FixedWidthInteger>(_: I.Type) throws(Malformed) -> I {
            var v: I = 0
            for b in try take(MemoryLayout<I>.size) { v = v << 8 | I(truncatingIfNeeded: b) }
            return v
        }

        mutating func uint16() throws(Malformed) -> UInt16 { try integer(UInt16.self) }
        mutating func uint32() throws(Malformed) -> UInt32 { try integer(UInt32.self) }
        mutating func bytes(count: Int) throws(Malformed) -> [UInt8] { Array(try take(count)) }

        mutating func shortString() throws(Malformed) -> String {
            String(decoding: try take(Int(try uint16())), as: UTF8.self)
        }

        mutating func headers() throws(Malformed) -> [KafkaHeader] {
            let count = Int(try uint16())
            var headers: [KafkaHeader] = []
            headers.reserveCapacity(count)
            for _ in 0..<count { headers.append(KafkaHeader(key: try shortString(), value: try optionalBytes())) }
            return headers
        }

        /// Moves past a header list, checking its framing, without building it.
        mutating func skipHeaders() throws(Malformed) {
            for _ in 0..<Int(try uint16()) {
                _ = try take(Int(try uint16()))
                let n = try integer(Int32.self)
                guard n >= -1 else { throw Malformed(reason: "negative length \(n)", offset: position - 4) }
                if n > 0 { _ = try take(Int(n)) }
            }
        }

        mutating func optionalBytes() throws(Malformed) -> [UInt8]? {
            let n = try integer(Int32.self)
            if n == -1 { return nil }
            guard n >= 0 else { throw Malformed(reason: "negative length \(n)", offset: position - 4) }
            return try bytes(count: Int(n))
        }
    }
}
