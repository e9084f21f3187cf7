import Events
import Projections

/// What a forecast needs to know about a park's days: its time zone and its opening hours per local date
/// (`ParkScheduleUpdated`). A reading outside the hours is not a wait: feeds re-stamp zeros overnight.
public struct ParkCalendar: Sendable, Equatable {
    public var timeZone: String?
    /// Local day number (days since 1970-01-01 in park-local time) → opening and closing times (µs, UTC).
    public var hours: [Int64: Hours]

    public struct Hours: Sendable, Equatable {
        public var opens: Int64
        public var closes: Int64
        public init(opens: Int64, closes: Int64) {
            self.opens = opens
            self.closes = closes
        }
    }

    public init(timeZone: String?, hours: [Int64: Hours] = [:]) {
        self.timeZone = timeZone
        self.hours = hours
    }

    /// Records a schedule of `date` (YYYY-MM-DD, park-local).
    public mutating func add(date: String, opens: Timestamp, closes: Timestamp) {
        guard let day = Timestamp(iso8601: date + "T00:00:00Z") else { return }
        hours[Timestamp.floorDivision(day.seconds, 86_400)] = Hours(opens: opens.microseconds, closes: closes.microseconds)
    }

    /// Park-local facts of an instant: offset from UTC, local day number, hour of week, minute, and the
    /// day's hours when a schedule gave them.
    public struct Moment: Sendable, Equatable {
        public var day: Int64
        public var hourOfWeek: Int
        public var minute: Int
        public var hours: Hours?
    }

    public func moment(at time: Int64) -> Moment {
        let stamp = Timestamp(microseconds: time)
        let offset = TimeZoneOffsets.offset(zone: timeZone, at: stamp)
        let local = Timestamp.floorDivision(time, 1_000_000) + Int64(offset)
        let day = Timestamp.floorDivision(local, 86_400)
        let (dow, hour) = stamp.hourOfWeek(offsetSeconds: offset)
        let minute = Int((local - day * 86_400) % 3_600 / 60)
        return Moment(day: day, hourOfWeek: dow * 24 + hour, minute: minute, hours: hours[day])
    }

    /// Whether a reading at `time` can be a wait: inside the day's hours, or on a day without a schedule.
    public func isWithinHours(_ moment: Moment, time: Int64) -> Bool {
        guard let h = moment.hours else { return true }
        return time >= h.opens && time < h.closes
    }
}
