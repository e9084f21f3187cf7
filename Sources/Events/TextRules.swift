/// What every text an event carries must keep, so that each projection can store it and the read API can be
/// asked for it: well-formed UTF-8 (the JSON parser checks), no control characters (C0, DEL, C1: PostgreSQL text
/// cannot hold NUL, and the others are never meant in an id or a name), and a bounded length.
public enum TextRules {
    /// Longest identifier (park, attraction, session, facility, sensor…), in UTF-8 bytes: the longest id the
    /// read API accepts in a path, and far below PostgreSQL's btree key limit (~2.7 kB) for keys of several ids.
    public static let maxIdentifierBytes = 200
    /// Longest other text (names, time zones, reasons), in UTF-8 bytes.
    public static let maxTextBytes = 1_000
    /// Longest envelope `key` (a partition key joins up to two ids with '/').
    public static let maxKeyBytes = 2 * maxIdentifierBytes + 1

    /// Throws naming `field` when `text` breaks a rule.
    public static func check(_ text: String, field: String, maxBytes: Int) throws(EventValidationError) {
        var text = text
        let problem = text.withUTF8 { JSONBytes.textProblem($0.baseAddress, $0.count, maxBytes: maxBytes) }
        if let problem { throw EventValidationError(field: field, reason: problem.reason(maxBytes: maxBytes)) }
    }

    /// Whether `bytes` (valid UTF-8) keep the rules: the payloads' byte paths ask this and leave anything else
    /// to their tree path, which says what is wrong.
    static func isAcceptable(_ bytes: UnsafeBufferPointer<UInt8>, maxBytes: Int) -> Bool {
        JSONBytes.textProblem(bytes.baseAddress, bytes.count, maxBytes: maxBytes) == nil
    }

    /// The start of a long text, for an error message that must not grow with the input.
    static func excerpt(_ text: String) -> String {
        text.utf8.count <= 64 ? text : String(decoding: text.utf8.prefix(61), as: UTF8.self) + "…"
    }
}
