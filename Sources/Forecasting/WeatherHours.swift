/// A park's weather by hour (`ParkWeatherHour`: the latest report of each hour), looked up by any instant in it.
public struct WeatherHours: Sendable, Equatable {
    public struct Hour: Sendable, Equatable {
        public var temperatureC: Double?
        public var precipitationMM: Double?
        public init(temperatureC: Double?, precipitationMM: Double?) {
            self.temperatureC = temperatureC
            self.precipitationMM = precipitationMM
        }
    }

    /// Start of the hour (µs, UTC) → its weather.
    public var hours: [Int64: Hour]

    public init(hours: [Int64: Hour] = [:]) { self.hours = hours }

    static let hour: Int64 = 3_600_000_000

    public subscript(time: Int64) -> Hour? {
        let start = time >= 0 ? time / Self.hour * Self.hour : ((time + 1) / Self.hour - 1) * Self.hour
        return hours[start]
    }
}
