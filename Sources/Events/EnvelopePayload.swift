/// How an envelope holds its payload. Decoded from bytes, it keeps the payload object's (checked) bytes,
/// so payload types that read their fields straight from bytes never build a tree; built in code, or for
/// anyone asking for `EventEnvelope.payload`, it is the tree.
enum EnvelopePayload: Sendable {
    case tree(JSONValue)
    /// A JSON object that `JSONParser` has already checked: a slice of the record's bytes when they came as
    /// an array (no copy), else a copy.
    case bytes(ArraySlice<UInt8>)

    var tree: JSONValue {
        switch self {
        case .tree(let value): return value
        // Checked when stored, so it parses; `.null` is unreachable.
        case .bytes(let bytes): return (try? bytes.withUnsafeBufferPointer { (p) throws(JSONParseError) in try JSONParser.parse(p) }) ?? .null
        }
    }

    var isObject: Bool {
        switch self {
        case .tree(.object): return true
        case .tree: return false
        case .bytes: return true
        }
    }
}
