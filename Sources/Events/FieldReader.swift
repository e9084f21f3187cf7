/// Typed access to the members of a JSON object, throwing errors that name the field by its path.
public struct FieldReader: Sendable {
    public let members: [(String, JSONValue)]
    public let path: String

    public init(_ value: JSONValue, path: String = "") throws(EventValidationError) {
        guard case .object(let members) = value else {
            throw EventValidationError(field: path, reason: "expected an object, got \(value.typeName)")
        }
        self.members = members
        self.path = path
    }

    public func fieldPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    public func value(_ key: String) -> JSONValue? {
        for (k, v) in members where k == key { return v }
        return nil
    }

    private func missing(_ key: String) -> EventValidationError {
        EventValidationError(field: fieldPath(key), reason: "is required")
    }

    private func wrongType(_ key: String, _ expected: String, _ got: JSONValue) -> EventValidationError {
        EventValidationError(field: fieldPath(key), reason: "expected \(expected), got \(got.typeName)")
    }

    /// A non-empty text of at most `maxBytes` UTF-8 bytes without control characters (`TextRules`).
    public func string(_ key: String, maxBytes: Int = TextRules.maxTextBytes) throws(EventValidationError) -> String {
        guard let v = value(key), !v.isNull else { throw missing(key) }
        guard case .string(let s) = v else { throw wrongType(key, "a string", v) }
        guard !s.isEmpty else { throw EventValidationError(field: fieldPath(key), reason: "must not be empty") }
        try TextRules.check(s, field: fieldPath(key), maxBytes: maxBytes)
        return s
    }

    public func optionalString(_ key: String, maxBytes: Int = TextRules.maxTextBytes) throws(EventValidationError) -> String? {
        guard let v = value(key), !v.isNull else { return nil }
        guard case .string(let s) = v else { throw wrongType(key, "a string", v) }
        try TextRules.check(s, field: fieldPath(key), maxBytes: maxBytes)
        return s
    }

    /// An identifier: a non-empty string, or an integer (feeds disagree on which), of at most
    /// `TextRules.maxIdentifierBytes` bytes without control characters: what the read API can be asked for.
    public func identifier(_ key: String) throws(EventValidationError) -> String {
        guard let v = value(key), !v.isNull else { throw missing(key) }
        switch v {
        case .string(let s) where !s.isEmpty:
            try TextRules.check(s, field: fieldPath(key), maxBytes: TextRules.maxIdentifierBytes)
            return s
        case .int(let i): return String(i)
        default: throw wrongType(key, "a non-empty string or integer id", v)
        }
    }

    public func int(_ key: String) throws(EventValidationError) -> Int64 {
        guard let v = value(key), !v.isNull else { throw missing(key) }
        guard let i = v.int64Value else { throw wrongType(key, "an integer", v) }
        return i
    }

    public func optionalInt(_ key: String) throws(EventValidationError) -> Int64? {
        guard let v = value(key), !v.isNull else { return nil }
        guard let i = v.int64Value else { throw wrongType(key, "an integer", v) }
        return i
    }

    public func double(_ key: String) throws(EventValidationError) -> Double {
        guard let v = value(key), !v.isNull else { throw missing(key) }
        guard let d = v.doubleValue else { throw wrongType(key, "a number", v) }
        return d
    }

    public func optionalDouble(_ key: String) throws(EventValidationError) -> Double? {
        guard let v = value(key), !v.isNull else { return nil }
        guard let d = v.doubleValue else { throw wrongType(key, "a number", v) }
        return d
    }

    public func bool(_ key: String) throws(EventValidationError) -> Bool {
        guard let v = value(key), !v.isNull else { throw missing(key) }
        guard let b = v.boolValue else { throw wrongType(key, "a boolean", v) }
        return b
    }

    public func optionalBool(_ key: String) throws(EventValidationError) -> Bool? {
        guard let v = value(key), !v.isNull else { return nil }
        guard let b = v.boolValue else { throw wrongType(key, "a boolean", v) }
        return b
    }

    /// An integer that must lie in `range`.
    public func int(_ key: String, in range: ClosedRange<Int64>) throws(EventValidationError) -> Int {
        try checked(key, try int(key), range)
    }

    public func optionalInt(_ key: String, in range: ClosedRange<Int64>) throws(EventValidationError) -> Int? {
        guard let v = try optionalInt(key) else { return nil }
        return try checked(key, v, range)
    }

    /// A number that must lie in `range` (minutes, ratios).
    public func double(_ key: String, in range: ClosedRange<Double>) throws(EventValidationError) -> Double {
        try checked(key, try double(key), range)
    }

    /// A number that must lie in `range` (durations, speeds).
    public func optionalDouble(_ key: String, in range: ClosedRange<Double>) throws(EventValidationError) -> Double? {
        guard let v = try optionalDouble(key) else { return nil }
        return try checked(key, v, range)
    }

    private func checked(_ key: String, _ v: Double, _ range: ClosedRange<Double>) throws(EventValidationError) -> Double {
        guard range.contains(v) else {
            throw EventValidationError(field: fieldPath(key), reason: "\(v) is outside \(range.lowerBound)...\(range.upperBound)")
        }
        return v
    }

    private func checked(_ key: String, _ v: Int64, _ range: ClosedRange<Int64>) throws(EventValidationError) -> Int {
        guard range.contains(v) else {
            throw EventValidationError(field: fieldPath(key), reason: "\(v) is outside \(range.lowerBound)...\(range.upperBound)")
        }
        return Int(v)
    }

    public func timestamp(_ key: String) throws(EventValidationError) -> Timestamp {
        guard let v = value(key), !v.isNull else { throw missing(key) }
        return try Self.timestamp(v, field: fieldPath(key))
    }

    public func optionalTimestamp(_ key: String) throws(EventValidationError) -> Timestamp? {
        guard let v = value(key), !v.isNull else { return nil }
        return try Self.timestamp(v, field: fieldPath(key))
    }

    /// An RFC 3339 date-time with a zone and a real calendar date, within the accepted range
    /// (`Timestamp.isAccepted`).
    static func timestamp(_ v: JSONValue, field: String) throws(EventValidationError) -> Timestamp {
        guard case .string(let s) = v else {
            throw EventValidationError(field: field, reason: "expected an RFC 3339 date-time string, got \(v.typeName)")
        }
        guard let t = Timestamp(rfc3339: s) else {
            throw EventValidationError(
                field: field,
                reason: "'\(TextRules.excerpt(s))' is not an RFC 3339 date-time with a zone and a real calendar date (e.g. 2024-05-23T10:15:00Z)")
        }
        try accepted(t, field: field)
        return t
    }

    /// Throws unless events may carry `t` (`Timestamp.isAccepted`).
    static func accepted(_ t: Timestamp, field: String) throws(EventValidationError) {
        guard t.isAccepted else { throw EventValidationError(field: field, reason: t.notAcceptedReason) }
    }

    public func object(_ key: String) throws(EventValidationError) -> FieldReader {
        guard let v = value(key), !v.isNull else { throw missing(key) }
        return try FieldReader(v, path: fieldPath(key))
    }

    /// The objects of the required array `key` (at most `max`), each read by `item` at its own path (`key[i]`);
    /// `shape` says what one looks like, for the error when the array is missing.
    public func objects<T>(
        _ key: String, max: Int = .max, shape: String, _ item: (FieldReader) throws(EventValidationError) -> T
    ) throws(EventValidationError) -> [T] {
        guard case .array(let items)? = value(key) else {
            throw EventValidationError(field: fieldPath(key), reason: "is required: an array of \(shape)")
        }
        guard items.count <= max else {
            throw EventValidationError(field: fieldPath(key), reason: "holds \(items.count) items; at most \(max) are accepted")
        }
        var result: [T] = []
        result.reserveCapacity(items.count)
        for (i, element) in items.enumerated() { result.append(try item(try FieldReader(element, path: fieldPath("\(key)[\(i)]")))) }
        return result
    }

    public func oneOf<E: RawRepresentable>(_ key: String, _ type: E.Type) throws(EventValidationError) -> E
    where E.RawValue == String, E: CaseIterable {
        let s = try string(key)
        guard let e = E(rawValue: s) else {
            let allowed = E.allCases.map(\.rawValue).joined(separator: ", ")
            throw EventValidationError(field: fieldPath(key), reason: "'\(s)' is not one of \(allowed)")
        }
        return e
    }
}
