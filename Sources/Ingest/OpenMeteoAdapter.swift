import Events

/// Reads Open-Meteo's forecast API (`api.open-meteo.com/v1/forecast?…&hourly=temperature_2m,precipitation`) into
/// one `ParkWeatherHour` per hour, for the park the caller names (the API knows coordinates, not parks).
///
/// Quirks handled: `hourly.time` is local wall time without an offset (`2024-05-20T14:00`, in the requested
/// `timezone`; `utc_offset_seconds` says where it is) or, with `timeformat=unixtime`, seconds since the epoch;
/// the value arrays run parallel to it and hold `null` for hours without data; `hourly_units` may be
/// Fahrenheit or inches when those were asked for (converted); an hour with neither value is skipped. The event
/// time is when the forecast was fetched: a forecast of a later hour is not an event from the future.
public struct OpenMeteoAdapter: Sendable {
    public static let format = "open-meteo"
    public var parkID: String

    public init(parkID: String) { self.parkID = parkID }

    public func read(_ json: JSONValue, ingestTime: Timestamp) throws(FeedFormatError) -> FeedBatch {
        guard let hourly = json["hourly"], let times = hourly["time"]?.arrayValue else {
            throw FeedFormatError(format: Self.format, reason: "no hourly.time: ask for hourly=temperature_2m,precipitation")
        }
        let offset = json["utc_offset_seconds"]?.int64Value ?? 0
        let temperatures = hourly["temperature_2m"]?.arrayValue
        let precipitation = hourly["precipitation"]?.arrayValue
        guard temperatures != nil || precipitation != nil else {
            throw FeedFormatError(format: Self.format, reason: "neither hourly.temperature_2m nor hourly.precipitation present")
        }
        for (name, values) in [("temperature_2m", temperatures), ("precipitation", precipitation)] {
            if let values, values.count != times.count {
                throw FeedFormatError(format: Self.format, reason: "hourly.\(name) has \(values.count) values for \(times.count) hours")
            }
        }
        let units = json["hourly_units"]
        let fahrenheit = units?["temperature_2m"]?.stringValue == "°F"
        let inches = units?["precipitation"]?.stringValue == "inch"
        var batch = FeedBatch()
        for (i, time) in times.enumerated() {
            guard let hour = Self.hour(time, utcOffsetSeconds: offset) else {
                batch.skipped.append("hour \(i): unreadable time \(time)")
                continue
            }
            var temperature = temperatures?[i].doubleValue
            if fahrenheit, let f = temperature { temperature = (f - 32) * 5 / 9 }
            var rain = precipitation?[i].doubleValue
            if inches, let r = rain { rain = r * 25.4 }
            guard temperature != nil || rain != nil else {
                batch.skipped.append("hour \(hour): no temperature and no precipitation")
                continue
            }
            let weather = ParkWeatherHour(parkID: parkID, hour: hour, temperatureC: temperature, precipitationMM: rain)
            // The same values fetched twice are the same event; a revised forecast is a new one.
            let id = EventID.derived(
                Self.format, parkID, hour.description, temperature.map { "\($0)" } ?? "-", rain.map { "\($0)" } ?? "-")
            batch.events.append(EventEnvelope(weather, id: id, source: Self.format, eventTime: ingestTime, ingestTime: ingestTime))
        }
        return batch
    }

    /// An hour as Open-Meteo writes it: epoch seconds, or local `YYYY-MM-DDTHH:MM` at the given offset.
    static func hour(_ value: JSONValue, utcOffsetSeconds: Int64) -> Timestamp? {
        if let seconds = value.int64Value { return Timestamp(seconds: seconds) }
        guard let text = value.stringValue else { return nil }
        // Local wall time with no zone: read it as UTC, then move it by the offset.
        let withZone = text.count == 16 ? text + ":00Z" : text
        guard let local = Timestamp(iso8601: withZone) else { return nil }
        return Timestamp(microseconds: local.microseconds - utcOffsetSeconds * 1_000_000)
    }
}
