/// A park's weather by hour, as it was known at any instant: every report of an hour (`ParkWeatherHour`,
/// observed or forecast) with the time it was fetched, so that a row of the past reads the forecast that existed
/// then, not the observation that came later, and a replay reads what the live fold read.
public struct WeatherHours: Sendable, Equatable {
    public struct Hour: Sendable, Equatable {
        public var temperatureC: Double?
        public var precipitationMM: Double?
        public init(temperatureC: Double?, precipitationMM: Double?) {
            self.temperatureC = temperatureC
            self.precipitationMM = precipitationMM
        }
    }

    struct Report: Sendable, Equatable {
        var reportedAt: Int64
        var hour: Hour
    }

    /// Start of the hour (µs, UTC) → its reports, oldest first.
    private var reports: [Int64: [Report]] = [:]

    public init() {}

    public static let hour: Int64 = 3_600_000_000

    public static func start(of time: Int64) -> Int64 {
        time >= 0 ? time / hour * hour : ((time + 1) / hour - 1) * hour
    }

    public var isEmpty: Bool { reports.isEmpty }

    /// Records a report of the hour starting at `hourStart`, fetched at `reportedAt` (µs).
    public mutating func add(hourStart: Int64, reportedAt: Int64, _ weather: Hour) {
        var list = reports[Self.start(of: hourStart), default: []]
        var i = list.count
        while i > 0, list[i - 1].reportedAt > reportedAt { i -= 1 }
        list.insert(Report(reportedAt: reportedAt, hour: weather), at: i)
        reports[Self.start(of: hourStart)] = list
    }

    /// The weather of the hour holding `time`, as last reported at or before `asOf` (nil: nothing known then).
    public func weather(at time: Int64, asOf: Int64) -> Hour? {
        guard let list = reports[Self.start(of: time)] else { return nil }
        return list.last { $0.reportedAt <= asOf }?.hour
    }

    /// Every report, by hour then fetch time (what a fold's state stores).
    public var entries: [(hourStart: Int64, reportedAt: Int64, weather: Hour)] {
        reports.keys.sorted().flatMap { hour in reports[hour]!.map { (hour, $0.reportedAt, $0.hour) } }
    }

    /// Drops the reports of hours that ended before `time` (a live fold keeps a bounded window).
    public mutating func forget(before time: Int64) {
        reports = reports.filter { $0.key + Self.hour > time }
    }
}
