import CLibPQ

/// Statement parameters marshalled for `PQexecParams` / `PQexecPrepared`: every value lives in one
/// byte buffer, so a statement costs a few allocations however many parameters it has.
struct PGParameters {
    private var buffer: [UInt8] = []
    /// Offset of each value in `buffer`; -1 for NULL.
    private var offsets: [Int] = []
    private(set) var lengths: [Int32] = []
    private(set) var formats: [Int32] = []
    private(set) var types: [Oid] = []

    var count: Int32 { Int32(offsets.count) }

    init(_ values: [PGValue], sql: String) throws(PGError) {
        offsets.reserveCapacity(values.count)
        lengths.reserveCapacity(values.count)
        formats.reserveCapacity(values.count)
        types.reserveCapacity(values.count)
        for (i, value) in values.enumerated() {
            types.append(value.typeOID)
            switch value {
            case .null:
                offsets.append(-1)
                lengths.append(0)
                formats.append(0)
            case .bytea(let bytes):
                offsets.append(buffer.count)
                buffer.append(contentsOf: bytes)
                // The terminator keeps the buffer non-empty, so an empty bytea gets a real (non-NULL) pointer.
                buffer.append(0)
                lengths.append(Int32(bytes.count))
                formats.append(1)
            default:
                let text = value.textEncoding ?? ""
                // libpq measures text parameters with strlen: an embedded NUL would silently cut the value.
                if text.utf8.contains(0) {
                    throw PGError(
                        kind: .query,
                        message: "parameter $\(i + 1) contains a NUL byte, which PostgreSQL text cannot hold",
                        // The code PostgreSQL itself gives a NUL in text: a data error, like the server's.
                        sqlState: "22021", sql: sql)
                }
                offsets.append(buffer.count)
                buffer.append(contentsOf: text.utf8)
                buffer.append(0)
                lengths.append(Int32(text.utf8.count))
                formats.append(0)
            }
        }
    }

    /// Calls `body` with C pointers to each value (nil for NULL), valid only during the call.
    func withValuePointers<R>(_ body: (UnsafePointer<UnsafePointer<CChar>?>?) -> R) -> R {
        buffer.withUnsafeBufferPointer { storage in
            let values: [UnsafePointer<CChar>?] = offsets.map { offset in
                guard offset >= 0, let base = storage.baseAddress else { return nil }
                return UnsafeRawPointer(base + offset).assumingMemoryBound(to: CChar.self)
            }
            return values.withUnsafeBufferPointer { body($0.baseAddress) }
        }
    }
}
