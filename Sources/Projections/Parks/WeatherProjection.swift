import Events

/// Folds the parks' weather feed (`parks.weather`, keyed by park) into every report of every hour, with the time
/// it was fetched: the forecasts' inputs, read "as known at" a moment by training and serving alike.
///
/// Every report is a row (two reports of an hour fetched at the same instant are the same report: the later in
/// the log wins). The state is the park's weather now: the newest observation, a report fetched within the hour
/// it describes, moving forward in time only.
public struct WeatherProjection: Projection {
    public typealias Input = (meta: EventMeta, report: ParkWeatherHour)

    public let name = "parks_weather"
    public let topics: TopicNames
    public var inputTopics: [String] { [topics[.parksWeather]] }

    public init(topics: TopicNames = .standard) { self.topics = topics }

    public func decode(_ envelope: EventEnvelope) throws(EventValidationError) -> Input {
        (EventMeta(envelope), try envelope.decode(ParkWeatherHour.self))
    }

    public func stateKey(of input: Input) -> String { input.report.partitionKey }

    public func fold(_ previous: consuming ParkWeatherState?, _ input: Input) -> FoldResult<ParkWeatherState, WeatherReportRow> {
        var state = (consume previous) ?? ParkWeatherState(parkID: input.report.parkID)
        let report = input.report, fetched = input.meta.eventTime
        state.reports += 1
        let observed = report.hour <= fetched && fetched.microseconds < report.hour.microseconds + 3_600_000_000
        let newer = state.hour.map { ($0, state.reportedAt ?? $0) <= (report.hour, fetched) } ?? true
        if observed, newer {
            state.hour = report.hour
            state.temperatureC = report.temperatureC
            state.precipitationMM = report.precipitationMM
            state.reportedAt = fetched
        }
        return FoldResult(state: state, rows: [WeatherReportRow(report: report, reportedAt: fetched)])
    }
}

/// A park's weather now (`park_weather_current`): the newest observation, and how many reports were folded.
public struct ParkWeatherState: Sendable, Equatable {
    public var parkID: String
    public var hour: Timestamp?
    public var temperatureC: Double?
    public var precipitationMM: Double?
    public var reportedAt: Timestamp?
    public var reports: Int64 = 0
    public init(parkID: String) { self.parkID = parkID }
}

/// One report as stored: the hour it describes and when it was fetched (its event time).
public struct WeatherReportRow: Sendable, Equatable {
    public var report: ParkWeatherHour
    public var reportedAt: Timestamp
    public init(report: ParkWeatherHour, reportedAt: Timestamp) {
        self.report = report
        self.reportedAt = reportedAt
    }
}
