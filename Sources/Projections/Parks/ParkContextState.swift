import Events

/// What the context fold keeps per park (`park_context`, JSON): the attractions it has seen, the schedules of
/// recent dates and the weather reports of recent and coming hours, so that an attraction seen for the first
/// time gets the park's context at once.
public struct ParkContextState: Sendable, Equatable {
    public var parkID: String
    /// Attraction ids, sorted.
    public var attractions: [String] = []
    /// The latest schedule of each of the newest dates (`ParkContextProjection.schedulesKept`), by date.
    public var schedules: [ParkScheduleUpdated] = []
    /// Reports of hours from one hour before the newest fetch on (each with when it was fetched), by hour then fetch.
    public var weather: [WeatherReport] = []

    public struct WeatherReport: Sendable, Equatable {
        public var report: ParkWeatherHour
        public var reportedAt: Timestamp
        public init(report: ParkWeatherHour, reportedAt: Timestamp) {
            self.report = report
            self.reportedAt = reportedAt
        }
    }

    public init(parkID: String) { self.parkID = parkID }

    public func encode(to w: inout JSONWriter) {
        w.beginObject()
        w.key("attractions"); w.beginArray(); for a in attractions { w.string(a) }; w.endArray()
        w.key("schedules"); w.beginArray(); for s in schedules { s.encode(to: &w) }; w.endArray()
        w.key("weather"); w.beginArray()
        for r in weather {
            w.beginObject()
            w.key("reported_at"); w.timestamp(r.reportedAt)
            r.report.encodeMembers(to: &w)
            w.endObject()
        }
        w.endArray()
        w.endObject()
    }

    public init(parkID: String, json: JSONValue) throws(EventValidationError) {
        self.init(parkID: parkID)
        attractions = (json["attractions"]?.arrayValue ?? []).compactMap(\.stringValue)
        for s in json["schedules"]?.arrayValue ?? [] { schedules.append(try ParkScheduleUpdated(payload: try FieldReader(s))) }
        for w in json["weather"]?.arrayValue ?? [] {
            let reader = try FieldReader(w)
            weather.append(WeatherReport(report: try ParkWeatherHour(payload: reader), reportedAt: try reader.timestamp("reported_at")))
        }
    }
}
