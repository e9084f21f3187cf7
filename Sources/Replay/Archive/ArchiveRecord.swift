import Kafka

/// One record of a topic as an archive keeps it: where it was (partition, offset), when (its timestamp), and
/// what (key, headers, value), byte for byte.
public struct ArchiveRecord: Sendable, Equatable {
    public var partition: Int32
    public var offset: Int64
    public var timestampMs: Int64?
    public var key: [UInt8]?
    public var headers: [KafkaHeader]
    public var value: [UInt8]

    public init(partition: Int32, offset: Int64, timestampMs: Int64?, key: [UInt8]?, headers: [KafkaHeader], value: [UInt8]) {
        self.partition = partition
        self.offset = offset
        self.timestampMs = timestampMs
        self.key = key
        self.headers = headers
        self.value = value
    }

    public init(_ message: KafkaMessage) {
        self.init(
            partition: message.partition, offset: message.offset, timestampMs: message.timestampMs, key: message.key,
            headers: message.headers, value: message.value)
    }

    /// Framed, integers big-endian: tag `R`, i32 partition, i64 offset, i64 timestamp (−1: none), i32 key length
    /// (−1: null) and key, u16 header count and per header u16 key length, key, i32 value length (−1: null),
    /// value; then u32 value length and value.
    func append(to out: inout [UInt8]) {
        out.append(ArchiveFormat.recordTag)
        ArchiveFormat.put(UInt32(bitPattern: partition), 4, &out)
        ArchiveFormat.put(UInt64(bitPattern: offset), 8, &out)
        ArchiveFormat.put(UInt64(bitPattern: timestampMs ?? -1), 8, &out)
        if let key {
            ArchiveFormat.put(UInt32(key.count), 4, &out)
            out += key
        } else {
            ArchiveFormat.put(UInt32(bitPattern: -1), 4, &out)
        }
        ArchiveFormat.put(UInt64(headers.count), 2, &out)
        for header in headers {
            let name = Array(header.key.utf8)
            ArchiveFormat.put(UInt64(name.count), 2, &out)
            out += name
            if let value = header.value {
                ArchiveFormat.put(UInt32(value.count), 4, &out)
                out += value
            } else {
                ArchiveFormat.put(UInt32(bitPattern: -1), 4, &out)
            }
        }
        ArchiveFormat.put(UInt32(value.count), 4, &out)
        out += value
    }
}
