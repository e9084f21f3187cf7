/// Text forms of one-dimensional PostgreSQL arrays (`{1,2,3}`, `{"a b",NULL,"x\"y"}`).
public enum PGArrayText {
    /// `{1,2,3}`.
    public static func encode(_ values: [Int64]) -> String {
        var out = "{"
        for (i, value) in values.enumerated() {
            if i > 0 { out += "," }
            out += String(value)
        }
        return out + "}"
    }

    /// Every element double-quoted, so commas, braces, spaces and the word `NULL` stay plain text;
    /// `nil` elements become SQL NULL.
    public static func encode(_ values: [String?]) -> String {
        var out: [UInt8] = [UInt8(ascii: "{")]
        out.reserveCapacity(values.count * 8 + 2)
        for (i, value) in values.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            guard let value else {
                out.append(contentsOf: "NULL".utf8)
                continue
            }
            out.append(UInt8(ascii: "\""))
            for byte in value.utf8 {
                if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { out.append(UInt8(ascii: "\\")) }
                out.append(byte)
            }
            out.append(UInt8(ascii: "\""))
        }
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }

    /// Parses the server's output of a one-dimensional array; nil when the text is not one
    /// (multi-dimensional arrays included).
    public static func parse(_ text: String) -> [String?]? {
        var text = text
        return text.withUTF8 { parse(utf8: $0) }
    }

    public static func parse(utf8 bytes: UnsafeBufferPointer<UInt8>) -> [String?]? {
        var i = 0
        // Arrays whose lower bound is not 1 are printed with their bounds first: `[0:2]={...}`.
        if bytes.first == UInt8(ascii: "[") {
            guard let equals = bytes.firstIndex(of: UInt8(ascii: "=")) else { return nil }
            i = equals + 1
        }
        guard i < bytes.count, bytes[i] == UInt8(ascii: "{") else { return nil }
        i += 1
        var elements: [String?] = []
        if i < bytes.count, bytes[i] == UInt8(ascii: "}") {
            return i + 1 == bytes.count ? elements : nil
        }
        var element: [UInt8] = []
        while i < bytes.count {
            element.removeAll(keepingCapacity: true)
            var quoted = false
            if bytes[i] == UInt8(ascii: "\"") {
                quoted = true
                i += 1
                while i < bytes.count, bytes[i] != UInt8(ascii: "\"") {
                    if bytes[i] == UInt8(ascii: "\\") { i += 1 }
                    guard i < bytes.count else { return nil }
                    element.append(bytes[i])
                    i += 1
                }
                guard i < bytes.count else { return nil }
                i += 1  // closing quote
            } else {
                while i < bytes.count, bytes[i] != UInt8(ascii: ","), bytes[i] != UInt8(ascii: "}") {
                    if bytes[i] == UInt8(ascii: "{") || bytes[i] == UInt8(ascii: "\"") { return nil }
                    if bytes[i] == UInt8(ascii: "\\") { i += 1 }
                    guard i < bytes.count else { return nil }
                    element.append(bytes[i])
                    i += 1
                }
            }
            if !quoted && isNullWord(element) {
                elements.append(nil)
            } else {
                elements.append(String(decoding: element, as: UTF8.self))
            }
            guard i < bytes.count else { return nil }
            if bytes[i] == UInt8(ascii: "}") {
                return i + 1 == bytes.count ? elements : nil
            }
            guard bytes[i] == UInt8(ascii: ",") else { return nil }
            i += 1
        }
        return nil
    }

    private static func isNullWord(_ bytes: [UInt8]) -> Bool {
        bytes.count == 4 && bytes.map { $0 & 0xDF } == Array("NULL".utf8)
    }
}
