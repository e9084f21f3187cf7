/// The weather at a park for one hour (topic `parks.weather`, keyed by park): observed for past hours,
/// forecast for later ones. A forecast is revised as the hour comes nearer: for the same park and hour, the
/// latest event (by event time, when it was fetched) is the one that counts.
public struct ParkWeatherHour: EventPayload, MemberEncodable {
    public static let eventType = "parks.weather.hourly"
    public static let schemaVersion = 1

    public var parkID: String
    /// The start of the hour described (UTC).
    public var hour: Timestamp
    public var temperatureC: Double?
    public var precipitationMM: Double?

    public init(parkID: String, hour: Timestamp, temperatureC: Double?, precipitationMM: Double?) {
        self.parkID = parkID
        self.hour = hour
        self.temperatureC = temperatureC
        self.precipitationMM = precipitationMM
    }

    public var partitionKey: String { parkID }

    /// Coldest and hottest air temperatures measured on Earth, with room: anything outside is a unit or feed error.
    public static let temperatureRange: ClosedRange<Double> = -90...60
    /// More than the wettest hour on record.
    public static let precipitationRange: ClosedRange<Double> = 0...400

    public init(payload r: FieldReader) throws(EventValidationError) {
        parkID = try r.identifier("park_id")
        hour = try r.timestamp("hour")
        temperatureC = try r.optionalDouble("temperature_c", in: Self.temperatureRange)
        precipitationMM = try r.optionalDouble("precipitation_mm", in: Self.precipitationRange)
        guard temperatureC != nil || precipitationMM != nil else {
            throw EventValidationError(field: r.fieldPath("temperature_c"), reason: "an hour with neither temperature nor precipitation says nothing")
        }
    }

    public func encodeMembers(to w: inout JSONWriter) {
        w.key("park_id"); w.string(parkID)
        w.key("hour"); w.timestamp(hour)
        if let temperatureC { w.key("temperature_c"); w.double(temperatureC) }
        if let precipitationMM { w.key("precipitation_mm"); w.double(precipitationMM) }
    }
}
