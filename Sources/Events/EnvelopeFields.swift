#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The members of an envelope as read from JSON, before validation. Filled either while scanning bytes
/// (the hot path) or from a parsed object; `EventEnvelope.init(fields:)` validates both the same way, so
/// both paths give the same errors. The first occurrence of a member wins; unknown members are ignored.
struct EnvelopeFields {
    /// A time member: parsed straight from the bytes when it could be, else the raw value for the error.
    enum Time {
        case parsed(Timestamp)
        case unparsed(JSONValue)
    }

    var id: JSONValue?
    var type: JSONValue?
    var schemaVersion: JSONValue?
    var source: JSONValue?
    var key: JSONValue?
    var eventTime: Time?
    var ingestTime: Time?
    var payload: EnvelopePayload?
    /// Where a payload object is in the scanned bytes (`payload` is then nil until the decoder takes the
    /// bytes from their owner, without copying when it can).
    var payloadRange: Range<Int>?

    private enum Member { case id, type, schemaVersion, source, key, eventTime, ingestTime, payload }

    private static func member(_ name: UnsafeBufferPointer<UInt8>) -> Member? {
        func equals(_ s: StaticString) -> Bool {
            s.utf8CodeUnitCount == name.count && memcmp(s.utf8Start, name.baseAddress!, name.count) == 0
        }
        switch name.count {
        case 2: return equals("id") ? .id : nil
        case 3: return equals("key") ? .key : nil
        case 4: return equals("type") ? .type : nil
        case 6: return equals("source") ? .source : nil
        case 7: return equals("payload") ? .payload : nil
        case 10: return equals("event_time") ? .eventTime : nil
        case 11: return equals("ingest_time") ? .ingestTime : nil
        case 14: return equals("schema_version") ? .schemaVersion : nil
        default: return nil
        }
    }

    /// Reads (or skips) one member's value from the scanner.
    mutating func read(member name: UnsafeBufferPointer<UInt8>, from parser: inout JSONParser) throws(JSONParseError) {
        switch Self.member(name) {
        case .eventTime where eventTime == nil: eventTime = try parser.readTimestamp()
        case .ingestTime where ingestTime == nil: ingestTime = try parser.readTimestamp()
        case .payload where payload == nil && payloadRange == nil:
            // An object stays bytes (checked all the same); anything else is kept for the error.
            if let object = try parser.readObjectRange() {
                payloadRange = object
            } else {
                payload = .tree(try parser.readValue())
            }
        case .payload: try parser.skipValue()  // a later duplicate: the first wins
        case .type where type == nil:
            // Known types are shared strings, not a new one per record.
            if let known = parser.readString(among: EventTypes.names) {
                type = .string(known)
            } else {
                type = try parser.readValue()
            }
        case let m?: take(m, try parser.readValue())
        case nil: try parser.skipValue()
        }
    }

    /// Takes one member of an already parsed object.
    mutating func take(member name: UnsafeBufferPointer<UInt8>, _ value: JSONValue) {
        if let m = Self.member(name) { take(m, value) }
    }

    private mutating func take(_ m: Member, _ value: JSONValue) {
        switch m {
        case .id: if id == nil { id = value }
        case .type: if type == nil { type = value }
        case .schemaVersion: if schemaVersion == nil { schemaVersion = value }
        case .source: if source == nil { source = value }
        case .key: if key == nil { key = value }
        case .eventTime: if eventTime == nil { eventTime = .unparsed(value) }
        case .ingestTime: if ingestTime == nil { ingestTime = .unparsed(value) }
        case .payload: if payload == nil { payload = .tree(value) }
        }
    }

    // MARK: Validation, worded like `FieldReader`

    func requiredString(_ v: JSONValue?, _ field: String, maxBytes: Int = TextRules.maxIdentifierBytes) throws(EventValidationError) -> String {
        guard let v, !v.isNull else { throw EventValidationError(field: field, reason: "is required") }
        guard case .string(let s) = v else {
            throw EventValidationError(field: field, reason: "expected a string, got \(v.typeName)")
        }
        guard !s.isEmpty else { throw EventValidationError(field: field, reason: "must not be empty") }
        try TextRules.check(s, field: field, maxBytes: maxBytes)
        return s
    }

    func optionalString(_ v: JSONValue?, _ field: String, maxBytes: Int = TextRules.maxIdentifierBytes) throws(EventValidationError) -> String? {
        guard let v, !v.isNull else { return nil }
        guard case .string(let s) = v else {
            throw EventValidationError(field: field, reason: "expected a string, got \(v.typeName)")
        }
        try TextRules.check(s, field: field, maxBytes: maxBytes)
        return s
    }

    /// Nil when absent or null; otherwise a strict RFC 3339 time in the accepted range.
    func time(_ t: Time?, _ field: String) throws(EventValidationError) -> Timestamp? {
        switch t {
        case nil: return nil
        case .parsed(let time):
            try FieldReader.accepted(time, field: field)
            return time
        case .unparsed(let v):
            if v.isNull { return nil }
            return try FieldReader.timestamp(v, field: field)
        }
    }
}
