/// Limits shared by the parking events: a value outside them is a feed error.
enum ParkingLimits {
    static let percent: ClosedRange<Int64> = 0...100
    static let capacity: ClosedRange<Int64> = 0...100_000
    /// Levels × zones of one facility: with `capacity` per area, a facility's total stays far inside int4.
    static let maxAreas = 1_000
    /// A facility's totals in derived events: areas arrive one event at a time, so only int4 (where the
    /// tables keep them) bounds their sum.
    static let facilityTotal: ClosedRange<Int64> = 0...Int64(Int32.max)
    static let vehicles: ClosedRange<Int64> = 1...1_000
    /// Seconds: debounce and heartbeat allowances up to a day.
    static let seconds: ClosedRange<Int64> = 0...86_400
}

extension FieldReader {
    /// A level or zone name: absent means the facility is not divided that way ("").
    func area(_ key: String) throws(EventValidationError) -> String {
        guard let v = value(key), !v.isNull else { return "" }
        switch v {
        case .string(let s):
            try TextRules.check(s, field: fieldPath(key), maxBytes: TextRules.maxIdentifierBytes)
            return s
        case .int(let i): return String(i)
        default: throw EventValidationError(field: fieldPath(key), reason: "expected a string or integer, got \(v.typeName)")
        }
    }
}
