/// A statement parameter.
///
/// Sent in text format (the server parses it as the parameter's type), except `bytea`, which goes
/// binary so it needs no escaping. Typed cases also tell the server their type OID, so `SELECT $1`
/// returns a value of that type; `text` and `json` stay untyped so the server infers the column's type
/// (`uuid`, an enum, `jsonb` or `json`, ...).
public enum PGValue: Sendable, Hashable {
    case null
    case text(String)
    case int(Int64)
    case double(Double)
    case bool(Bool)
    /// Microseconds since the Unix epoch (UTC); `Int64.max` / `Int64.min` are `±infinity`.
    case timestamp(Int64)
    /// JSON text, for `json` or `jsonb` columns.
    case json(String)
    case bytea([UInt8])
    case intArray([Int64])
    /// `nil` elements are SQL NULLs.
    case textArray([String?])

    /// Type OIDs from the server catalog (`pg_type`), stable across versions.
    public enum TypeOID {
        public static let unknown: UInt32 = 0
        public static let bool: UInt32 = 16
        public static let bytea: UInt32 = 17
        public static let int8: UInt32 = 20
        public static let int2: UInt32 = 21
        public static let int4: UInt32 = 23
        public static let text: UInt32 = 25
        public static let json: UInt32 = 114
        public static let float4: UInt32 = 700
        public static let float8: UInt32 = 701
        public static let textArray: UInt32 = 1009
        public static let int8Array: UInt32 = 1016
        public static let varchar: UInt32 = 1043
        public static let date: UInt32 = 1082
        public static let timestamp: UInt32 = 1114
        public static let timestamptz: UInt32 = 1184
        public static let numeric: UInt32 = 1700
        public static let uuid: UInt32 = 2950
        public static let jsonb: UInt32 = 3802
    }

    /// The OID announced to the server for this parameter (0 lets the server infer it).
    public var typeOID: UInt32 {
        switch self {
        case .null, .text, .json: TypeOID.unknown
        case .int: TypeOID.int8
        case .double: TypeOID.float8
        case .bool: TypeOID.bool
        case .timestamp: TypeOID.timestamptz
        case .bytea: TypeOID.bytea
        case .intArray: TypeOID.int8Array
        case .textArray: TypeOID.textArray
        }
    }

    /// The text the server parses, or nil for NULL and for `bytea` (sent binary).
    public var textEncoding: String? {
        switch self {
        case .null, .bytea: nil
        case .text(let s), .json(let s): s
        case .int(let v): String(v)
        case .double(let v): Self.encode(v)
        case .bool(let v): v ? "t" : "f"
        case .timestamp(let micros): PGTimestampText.format(microsecondsSinceEpoch: micros)
        case .intArray(let values): PGArrayText.encode(values)
        case .textArray(let values): PGArrayText.encode(values)
        }
    }

    /// Swift's shortest round-tripping form, with the spellings PostgreSQL uses for the special values.
    static func encode(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
        return value.description
    }
}

extension PGValue {
    /// `.null` for nil, so optional Swift values map directly.
    public static func text(_ value: String?) -> PGValue { value.map(PGValue.text) ?? .null }
    public static func int(_ value: Int64?) -> PGValue { value.map(PGValue.int) ?? .null }
    public static func int(_ value: Int) -> PGValue { .int(Int64(value)) }
    public static func double(_ value: Double?) -> PGValue { value.map(PGValue.double) ?? .null }
    public static func bool(_ value: Bool?) -> PGValue { value.map(PGValue.bool) ?? .null }
    public static func timestamp(_ micros: Int64?) -> PGValue { micros.map(PGValue.timestamp) ?? .null }
}

extension PGValue: ExpressibleByNilLiteral {
    public init(nilLiteral: ()) { self = .null }
}

extension PGValue: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) { self = .text(value) }
}

extension PGValue: ExpressibleByIntegerLiteral {
    public init(integerLiteral value: Int64) { self = .int(value) }
}

extension PGValue: ExpressibleByFloatLiteral {
    public init(floatLiteral value: Double) { self = .double(value) }
}

extension PGValue: ExpressibleByBooleanLiteral {
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}
