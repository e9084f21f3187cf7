/// Text forms of `timestamptz` values, as microseconds since the Unix epoch (UTC).
///
/// Hand-written rather than Foundation's formatters: these run per value, the calendar math is the
/// proleptic Gregorian one PostgreSQL uses (H. Hinnant's days-from-civil), and it covers PostgreSQL's
/// whole range including BC years and `infinity`.
public enum PGTimestampText {
    /// `Int64.max` / `Int64.min` stand for PostgreSQL's `infinity` / `-infinity`.
    public static let infinity = Int64.max
    public static let negativeInfinity = Int64.min

    static let microsPerSecond: Int64 = 1_000_000
    static let microsPerDay: Int64 = 86_400_000_000

    /// Formats as ISO 8601 UTC, e.g. `2024-05-23T10:15:00.123456Z` (no fraction when it is zero).
    ///
    /// Years outside 1...9999 use PostgreSQL's own form (`10000-01-01 00:00:00+00`, `0044-03-15 ... BC`),
    /// which the server accepts as input.
    public static func format(microsecondsSinceEpoch micros: Int64) -> String {
        if micros == infinity { return "infinity" }
        if micros == negativeInfinity { return "-infinity" }
        let (days, timeOfDay) = floorDivide(micros, microsPerDay)
        let (year, month, day) = civil(fromDays: days)
        let seconds = timeOfDay / microsPerSecond
        let fraction = timeOfDay % microsPerSecond
        let iso = year >= 1 && year <= 9999

        var out: [UInt8] = []
        out.reserveCapacity(32)
        appendDigits(&out, iso || year >= 1 ? year : 1 - year, width: 4)
        out.append(UInt8(ascii: "-"))
        appendDigits(&out, month, width: 2)
        out.append(UInt8(ascii: "-"))
        appendDigits(&out, day, width: 2)
        out.append(iso ? UInt8(ascii: "T") : UInt8(ascii: " "))
        appendDigits(&out, seconds / 3600, width: 2)
        out.append(UInt8(ascii: ":"))
        appendDigits(&out, seconds / 60 % 60, width: 2)
        out.append(UInt8(ascii: ":"))
        appendDigits(&out, seconds % 60, width: 2)
        if fraction != 0 {
            out.append(UInt8(ascii: "."))
            appendDigits(&out, fraction, width: 6)
        }
        if iso {
            out.append(UInt8(ascii: "Z"))
        } else {
            out.append(contentsOf: "+00".utf8)
            if year < 1 { out.append(contentsOf: " BC".utf8) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Parses PostgreSQL's output of `timestamptz`, `timestamp` (taken as UTC) or `date` with
    /// `DateStyle = ISO` (`2024-05-23 10:15:00.5+00`, `...+05:30`, `... BC`, `infinity`), and the ISO 8601
    /// form `format` writes. Returns nil when the text is not one of these.
    public static func parse(_ text: String) -> Int64? {
        var text = text
        return text.withUTF8 { parse(utf8: $0) }
    }

    /// Same as `parse(_:)`, straight from bytes (e.g. a libpq cell), without making a String.
    public static func parse(utf8 bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        var scanner = Scanner(bytes)
        return scanner.timestamp()
    }

    // MARK: - Calendar math

    /// Days since 1970-01-01 of a proleptic Gregorian date (astronomical year: 0 is 1 BC).
    static func days(fromCivil year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func civil(fromDays days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    static func floorDivide(_ a: Int64, _ b: Int64) -> (quotient: Int64, remainder: Int64) {
        let q = a / b
        let r = a % b
        return r < 0 ? (q - 1, r + b) : (q, r)
    }

    /// Appends `value` (non-negative) in decimal, zero-padded to at least `width` digits.
    private static func appendDigits(_ out: inout [UInt8], _ value: Int64, width: Int) {
        var count = 1
        var rest = value / 10
        while rest > 0 {
            count += 1
            rest /= 10
        }
        let total = max(count, width)
        let start = out.count
        out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: total))
        var v = value
        var i = start + total - 1
        while v > 0 {
            out[i] = UInt8(ascii: "0") + UInt8(v % 10)
            v /= 10
            i -= 1
        }
    }

    /// A cursor over the bytes of one timestamp.
    private struct Scanner {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0

        init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        var atEnd: Bool { index >= bytes.count }
        var peek: UInt8? { atEnd ? nil : bytes[index] }

        mutating func take(_ byte: UInt8) -> Bool {
            guard peek == byte else { return false }
            index += 1
            return true
        }

        /// Reads at least `min` decimal digits (at most 9); nil when there are fewer.
        mutating func number(min: Int, max: Int = 9) -> (value: Int64, digits: Int)? {
            var value: Int64 = 0
            var count = 0
            while count < max, let b = peek, b >= UInt8(ascii: "0"), b <= UInt8(ascii: "9") {
                value = value * 10 + Int64(b - UInt8(ascii: "0"))
                count += 1
                index += 1
            }
            return count >= min ? (value, count) : nil
        }

        mutating func timestamp() -> Int64? {
            if isWhole("infinity") { return PGTimestampText.infinity }
            if isWhole("-infinity") { return PGTimestampText.negativeInfinity }
            guard let year = number(min: 4)?.value, take(UInt8(ascii: "-")),
                let month = number(min: 2, max: 2)?.value, take(UInt8(ascii: "-")),
                let day = number(min: 2, max: 2)?.value, (1...12).contains(month), (1...31).contains(day)
            else { return nil }

            var timeOfDay: Int64 = 0
            var offsetSeconds: Int64 = 0
            if take(UInt8(ascii: " ")) || take(UInt8(ascii: "T")) {
                guard let hour = number(min: 2, max: 2)?.value, take(UInt8(ascii: ":")),
                    let minute = number(min: 2, max: 2)?.value, take(UInt8(ascii: ":")),
                    let second = number(min: 2, max: 2)?.value, hour <= 24, minute < 60, second < 61
                else { return nil }
                timeOfDay = ((hour * 60 + minute) * 60 + second) * PGTimestampText.microsPerSecond
                if take(UInt8(ascii: ".")) {
                    // Keep microseconds; PostgreSQL never prints more than 6 digits, ignore any extra.
                    guard let (value, digits) = number(min: 1, max: 6) else { return nil }
                    var fraction = value
                    for _ in digits..<6 { fraction *= 10 }
                    timeOfDay += fraction
                    _ = number(min: 0, max: 100)
                }
                if take(UInt8(ascii: "Z")) {
                } else if let sign = peek, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
                    index += 1
                    guard let hours = number(min: 2, max: 2)?.value else { return nil }
                    var offset = hours * 3600
                    let colon = take(UInt8(ascii: ":"))
                    if let minutes = number(min: 2, max: 2)?.value {
                        offset += minutes * 60
                        if colon ? take(UInt8(ascii: ":")) : true, let secs = number(min: 2, max: 2)?.value {
                            offset += secs
                        }
                    } else if colon {
                        return nil
                    }
                    offsetSeconds = sign == UInt8(ascii: "+") ? offset : -offset
                }
            }
            var astronomicalYear = year
            if matches(" BC") { astronomicalYear = 1 - year }
            guard atEnd else { return nil }

            let days = PGTimestampText.days(fromCivil: astronomicalYear, month, day)
            let (dayMicros, overflow) = days.multipliedReportingOverflow(by: PGTimestampText.microsPerDay)
            guard !overflow else { return nil }
            let (local, overflow2) = dayMicros.addingReportingOverflow(timeOfDay)
            let (utc, overflow3) = local.subtractingReportingOverflow(offsetSeconds * PGTimestampText.microsPerSecond)
            return overflow2 || overflow3 ? nil : utc
        }

        /// Consumes `literal` if the remaining bytes start with it.
        private mutating func matches(_ literal: StaticString) -> Bool {
            let count = literal.utf8CodeUnitCount
            guard bytes.count - index >= count else { return false }
            let start = literal.utf8Start
            for i in 0..<count where bytes[index + i] != start[i] { return false }
            index += count
            return true
        }

        /// True when the remaining bytes are exactly `literal`.
        private mutating func isWhole(_ literal: StaticString) -> Bool {
            bytes.count - index == literal.utf8CodeUnitCount && matches(literal)
        }
    }
}
