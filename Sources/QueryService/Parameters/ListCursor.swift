import Events
import Hummingbird

/// Where a list ordered by time and then a key (an event's or a line's id) left off: the `next_cursor` of an answer,
/// passed back as `cursor` to get what comes after it, with no gap and no repeat even where many entries share a
/// time (which a time alone, as `since`, cannot promise). Opaque to clients: version, time and key, hex-encoded.
struct ListCursor: Sendable, Equatable {
    var time: Timestamp
    var key: String

    init(time: Timestamp, key: String) {
        self.time = time
        self.key = key
    }

    /// The text an answer gives.
    var text: String {
        let plain = "1|\(time.microseconds)|\(key)"
        return plain.utf8.map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    /// `cursor` from the query string (nil when absent); a cursor this service did not give is a 400 naming it.
    static func query(_ query: Parameters) throws(QueryError) -> ListCursor? {
        guard let text = query.get("cursor") else { return nil }
        guard let cursor = ListCursor(text: text) else {
            throw .invalidParameter("cursor", "'cursor' is not one this service gave: pass an answer's next_cursor back as it is")
        }
        return cursor
    }

    init?(text: String) {
        let hex = Array(text.utf8)
        guard !hex.isEmpty, hex.count % 2 == 0, hex.count <= 2 * (32 + TextRules.maxIdentifierBytes) else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(hex.count / 2)
        for i in stride(from: 0, to: hex.count, by: 2) {
            guard let byte = UInt8(String(decoding: hex[i..<i + 2], as: UTF8.self), radix: 16) else { return nil }
            bytes.append(byte)
        }
        guard let plain = String(validating: bytes, as: UTF8.self) else { return nil }
        let parts = plain.split(separator: "|", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "1", let micros = Int64(parts[1]) else { return nil }
        self.init(time: Timestamp(microseconds: micros), key: String(parts[2]))
    }
}
