#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A point in time with microsecond precision, as PostgreSQL's `timestamptz` stores it.
///
/// Kept as a plain integer so that the hot path (decode → fold → binary COPY) never touches
/// Foundation's `Date` or its formatters.
public struct Timestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Microseconds since 1970-01-01T00:00:00Z.
    public var microseconds: Int64

    public init(microseconds: Int64) { self.microseconds = microseconds }
    public init(seconds: Int64) { self.microseconds = seconds * 1_000_000 }
    public init(milliseconds: Int64) { self.microseconds = milliseconds * 1_000 }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool { lhs.microseconds < rhs.microseconds }

    public var seconds: Int64 { Self.floorDiv(microseconds, 1_000_000) }
    public var milliseconds: Int64 { Self.floorDiv(microseconds, 1_000) }

    public func adding(seconds: Int64) -> Timestamp { Timestamp(microseconds: microseconds + seconds * 1_000_000) }
    public func adding(microseconds delta: Int64) -> Timestamp { Timestamp(microseconds: microseconds + delta) }

    /// The current wall-clock time.
    public static func now() -> Timestamp {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Timestamp(microseconds: Int64(ts.tv_sec) * 1_000_000 + Int64(ts.tv_nsec) / 1_000)
    }

    // MARK: Calendar arithmetic (proleptic Gregorian, UTC), after Howard Hinnant's civil algorithms.

    /// Days since 1970-01-01 for a civil date.
    public static func daysFromCivil(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let m = Int64(month)
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// Days in `month` (1...12) of `year`, proleptic Gregorian.
    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Whether `day` exists in `month` of `year` (2024-02-29 does, 2023-02-29 and 2024-02-30 do not).
    @inline(__always)
    static func isCalendarDate(year: Int, month: Int, day: Int) -> Bool {
        (1...12).contains(month) && day >= 1 && (day <= 28 || day <= daysInMonth(year: year, month: month))
    }

    // MARK: Accepted range

    /// The earliest time an event may carry: the Unix epoch. Earlier times are feed placeholders (year 0001).
    public static let earliestAccepted = Timestamp(seconds: 0)
    /// The first time an event may no longer carry (2200-01-01T00:00:00Z): a year-9999 placeholder would pin
    /// every "latest" state for ever, since older times never overwrite newer ones.
    public static let endOfAccepted = Timestamp(seconds: daysFromCivil(year: 2200, month: 1, day: 1) * 86_400)

    /// Whether an event may carry this time (`earliestAccepted ..< endOfAccepted`).
    public var isAccepted: Bool { self >= Self.earliestAccepted && self < Self.endOfAccepted }

    /// Why an event may not carry this time.
    public var notAcceptedReason: String {
        "\(iso8601) is outside the accepted range \(Self.earliestAccepted.iso8601) ..< \(Self.endOfAccepted.iso8601)"
    }

    /// Civil date for days since 1970-01-01.
    public static func civilFromDays(_ z0: Int64) -> (year: Int, month: Int, day: Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (Int(m <= 2 ? y + 1 : y), Int(m), Int(d))
    }

    /// Day of week (0 = Monday … 6 = Sunday, ISO order) and hour of day, in UTC shifted by `offsetSeconds`.
    public func hourOfWeek(offsetSeconds: Int = 0) -> (dayOfWeek: Int, hour: Int) {
        let local = seconds + Int64(offsetSeconds)
        let days = Self.floorDiv(local, 86_400)
        let secondOfDay = local - days * 86_400
        // 1970-01-01 was a Thursday (ISO index 3).
        let dow = Int(((days % 7) + 7 + 3) % 7)
        return (dow, Int(secondOfDay / 3_600))
    }

    public static func floorDivision(_ a: Int64, _ b: Int64) -> Int64 { floorDiv(a, b) }

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    // MARK: RFC 3339 / ISO 8601

    /// RFC 3339 in UTC with microseconds, e.g. `2024-05-23T10:15:00.123456Z` (fraction omitted when zero).
    public var description: String { iso8601 }

    public var iso8601: String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(27)
        appendISO8601(to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    public func appendISO8601(to out: inout [UInt8]) {
        // Formatted into a stack buffer and appended once: this runs for every event written.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Self.maxISO8601Length) { b in
            let n = writeISO8601(to: b.baseAddress!)
            out.append(contentsOf: UnsafeBufferPointer(start: b.baseAddress!, count: n))
        }
    }

    /// The longest `writeISO8601` output: a sign, six year digits (Int64 microseconds span ±292,277 years),
    /// `-MM-DDTHH:MM:SS.ffffffZ`.
    static var maxISO8601Length: Int { 32 }

    /// Writes the RFC 3339 form at `b` (room for `maxISO8601Length` bytes) and returns its length.
    func writeISO8601(to b: UnsafeMutablePointer<UInt8>) -> Int {
        let secs = Self.floorDiv(microseconds, 1_000_000)
        let micros = Int(microseconds - secs * 1_000_000)
        let days = Self.floorDiv(secs, 86_400)
        let sod = Int(secs - days * 86_400)
        let (y, mo, d) = Self.civilFromDays(days)
        var i = 0
        func digits(_ v: Int, _ n: Int) {
            var v = v
            var k = i + n - 1
            while k >= i {
                b[k] = UInt8(48 + v % 10)
                v /= 10
                k -= 1
            }
            i += n
        }
        func char(_ c: Unicode.Scalar) {
            b[i] = UInt8(ascii: c)
            i += 1
        }
        if y < 0 || y > 9999 {
            // Outside RFC 3339's four-digit years; kept readable rather than valid.
            if y < 0 { char("-") }
            let text = String(abs(y)).utf8
            for c in text.prefix(16) { b[i] = c; i += 1 }
        } else {
            digits(y, 4)
        }
        char("-"); digits(mo, 2); char("-"); digits(d, 2)
        char("T")
        digits(sod / 3600, 2); char(":"); digits((sod / 60) % 60, 2); char(":"); digits(sod % 60, 2)
        if micros != 0 {
            char(".")
            if micros % 1000 == 0 { digits(micros / 1000, 3) } else { digits(micros, 6) }
        }
        char("Z")
        return i
    }

    /// The form Turnstile writes (`2024-05-23T10:15:00Z`, with `.fff` or `.ffffff` before the `Z`) read at
    /// fixed positions: every envelope has two. Nil for anything else, which `parse` then reads in general;
    /// when it gives a value it is the one `parse` would give.
    static func parseCanonical(_ b: UnsafeBufferPointer<UInt8>) -> Int64? {
        let n = b.count
        guard n == 20 || n == 24 || n == 27, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
            b[10] == UInt8(ascii: "T"), b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":"),
            b[n - 1] == UInt8(ascii: "Z"), n == 20 || b[19] == UInt8(ascii: ".")
        else { return nil }
        // Two digits at i as a number, or -1 (a negative result fails every range check below).
        func two(_ i: Int) -> Int {
            let hi = b[i] &- 48, lo = b[i + 1] &- 48
            return hi < 10 && lo < 10 ? Int(hi) * 10 + Int(lo) : -1
        }
        let century = two(0), yy = two(2), month = two(5), day = two(8)
        let hour = two(11), minute = two(14), second = two(17)
        guard century >= 0, yy >= 0, isCalendarDate(year: century * 100 + yy, month: month, day: day),
            (0..<24).contains(hour), (0..<60).contains(minute), (0..<61).contains(second)
        else { return nil }
        var micros: Int64 = 0
        var scale: Int64 = 100_000
        for i in stride(from: 20, to: n - 1, by: 1) {
            let d = b[i] &- 48
            guard d < 10 else { return nil }
            micros += Int64(d) * scale
            scale /= 10
        }
        let days = daysFromCivil(year: century * 100 + yy, month: month, day: day)
        return (days * 86_400 + Int64(hour * 3600 + minute * 60 + second)) * 1_000_000 + micros
    }

    /// Parses RFC 3339 / ISO 8601 date-times: `2024-05-23T10:15:00Z`, `…00.5+02:00`, `…00.123456789-0700`,
    /// a space instead of `T`, and a missing zone (read as UTC). Returns nil for anything else.
    public init?(iso8601 text: String) {
        var text = text
        guard let value = text.withUTF8({ Self.parse($0) }) else { return nil }
        self.microseconds = value
    }

    static func parse(_ b: UnsafeBufferPointer<UInt8>) -> Int64? { parseCanonical(b) ?? parseGeneral(b, strict: false) }

    /// Parses an RFC 3339 date-time strictly, as events must carry them: a real calendar date, a time with
    /// seconds (a fraction optional) and a zone (`Z` or `±HH:MM`); `2024-05-23T10:15:00Z`,
    /// `2024-05-23T12:15:00.5+02:00`. Nil for anything else, a missing zone included: a time without one means
    /// different instants to different readers.
    public init?(rfc3339 text: String) {
        var text = text
        guard let value = text.withUTF8({ Self.parseRFC3339($0) }) else { return nil }
        self.microseconds = value
    }

    static func parseRFC3339(_ b: UnsafeBufferPointer<UInt8>) -> Int64? { parseCanonical(b) ?? parseGeneral(b, strict: true) }

    /// `strict`: RFC 3339 only (seconds and a zone required); otherwise also a date alone, minutes without
    /// seconds and no zone (read as UTC), as some feeds write them.
    static func parseGeneral(_ b: UnsafeBufferPointer<UInt8>, strict: Bool) -> Int64? {
        let n = b.count
        guard n >= 10 else { return nil }
        var i = 0
        func num(_ width: Int) -> Int? {
            guard i + width <= n else { return nil }
            var v = 0
            for k in 0..<width {
                let c = b[i + k]
                guard c >= 48 && c <= 57 else { return nil }
                v = v * 10 + Int(c - 48)
            }
            i += width
            return v
        }
        func expect(_ c: UInt8) -> Bool {
            guard i < n, b[i] == c else { return false }
            i += 1
            return true
        }
        guard let year = num(4), expect(UInt8(ascii: "-")), let month = num(2), expect(UInt8(ascii: "-")),
            let day = num(2), isCalendarDate(year: year, month: month, day: day)
        else { return nil }
        var hour = 0, minute = 0, second = 0
        var micros: Int64 = 0
        var offset = 0
        if strict, i == n { return nil }
        if i < n {
            guard b[i] == UInt8(ascii: "T") || b[i] == UInt8(ascii: "t") || b[i] == UInt8(ascii: " ") else { return nil }
            i += 1
            guard let h = num(2), expect(UInt8(ascii: ":")), let m = num(2) else { return nil }
            hour = h
            minute = m
            if strict, i < n, b[i] != UInt8(ascii: ":") { return nil }
            if expect(UInt8(ascii: ":")) {
                guard let s = num(2) else { return nil }
                second = s
                if i < n, b[i] == UInt8(ascii: ".") || b[i] == UInt8(ascii: ",") {
                    i += 1
                    var scale: Int64 = 100_000
                    var any = false
                    while i < n, b[i] >= 48, b[i] <= 57 {
                        micros += Int64(b[i] - 48) * scale
                        scale /= 10
                        i += 1
                        any = true
                    }
                    guard any else { return nil }
                }
            }
            guard hour < 24, minute < 60, second < 61 else { return nil }
            if strict, i == n { return nil }
            if i < n {
                let c = b[i]
                if c == UInt8(ascii: "Z") || c == UInt8(ascii: "z") {
                    i += 1
                } else if c == UInt8(ascii: "+") || c == UInt8(ascii: "-") {
                    i += 1
                    guard let oh = num(2) else { return nil }
                    let colon = expect(UInt8(ascii: ":"))
                    let om = num(2) ?? 0
                    // Real offsets lie within ±18:00 (RFC 3339 allows hours 00-23); anything else is garbage.
                    guard oh <= 23, om <= 59, !strict || colon else { return nil }
                    offset = (oh * 60 + om) * 60 * (c == UInt8(ascii: "-") ? -1 : 1)
                } else {
                    return nil
                }
            }
            guard i == n else { return nil }
        }
        let days = daysFromCivil(year: year, month: month, day: day)
        let secs = days * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offset)
        return secs * 1_000_000 + micros
    }
}
