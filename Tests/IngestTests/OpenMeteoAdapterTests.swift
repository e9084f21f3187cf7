import Events
import Ingest
import Testing

@Suite struct OpenMeteoAdapterTests {
    // Written for these tests in Open-Meteo's forecast format, with its quirks: local wall times without an
    // offset (utc_offset_seconds beside them), parallel arrays with nulls, an hour with no data at all.
    static let payload = #"""
    {"latitude":28.375,"longitude":-81.55,"generationtime_ms":0.04,"utc_offset_seconds":-14400,
     "timezone":"America/New_York","timezone_abbreviation":"EDT","elevation":31.0,
     "hourly_units":{"time":"iso8601","temperature_2m":"°C","precipitation":"mm"},
     "hourly":{"time":["2024-05-20T09:00","2024-05-20T10:00","2024-05-20T11:00","2024-05-20T12:00"],
               "temperature_2m":[26.4,28.1,null,null],"precipitation":[0.0,0.3,1.7,null]}}
    """#
    let now = Timestamp(iso8601: "2024-05-20T12:30:00Z")!

    @Test func readsHoursWithTheirQuirks() throws {
        let batch = try OpenMeteoAdapter(parkID: "wdw-mk").read(try JSONParser.parse(Self.payload), ingestTime: now)
        let hours = try batch.events.map { try $0.decode(ParkWeatherHour.self) }
        // 09:00 local at UTC−4 is 13:00 UTC.
        #expect(hours.map(\.hour) == ["2024-05-20T13:00:00Z", "2024-05-20T14:00:00Z", "2024-05-20T15:00:00Z"].map { Timestamp(iso8601: $0)! })
        #expect(hours.map(\.temperatureC) == [26.4, 28.1, nil])
        #expect(hours.map(\.precipitationMM) == [0.0, 0.3, 1.7])
        #expect(batch.skipped.count == 1 && batch.skipped[0].contains("no temperature"))
        // A forecast's event time is when it was fetched, never the future hour it describes.
        #expect(batch.events.allSatisfy { $0.eventTime == now && $0.key == "wdw-mk" && $0.type == ParkWeatherHour.eventType })
    }

    @Test func unixTimesAndImperialUnits() throws {
        let payload = #"""
        {"utc_offset_seconds":0,"hourly_units":{"time":"unixtime","temperature_2m":"°F","precipitation":"inch"},
         "hourly":{"time":[1716192000],"temperature_2m":[68.0],"precipitation":[0.1]}}
        """#
        let batch = try OpenMeteoAdapter(parkID: "p").read(try JSONParser.parse(payload), ingestTime: now)
        let hour = try #require(try batch.events.first?.decode(ParkWeatherHour.self))
        #expect(hour.hour == Timestamp(iso8601: "2024-05-20T08:00:00Z")!)
        #expect(abs(hour.temperatureC! - 20) < 1e-9)
        #expect(abs(hour.precipitationMM! - 2.54) < 1e-9)
    }

    @Test func revisedForecastsAreNewEventsAndRefetchesAreNot() throws {
        let a = try OpenMeteoAdapter(parkID: "p").read(try JSONParser.parse(Self.payload), ingestTime: now)
        let again = try OpenMeteoAdapter(parkID: "p").read(try JSONParser.parse(Self.payload), ingestTime: now.adding(seconds: 600))
        #expect(a.events.map(\.id) == again.events.map(\.id))
        let revised = try OpenMeteoAdapter(parkID: "p").read(
            try JSONParser.parse(Self.payload.replacingOccurrences(of: "28.1", with: "27.9")), ingestTime: now)
        #expect(a.events.map(\.id) != revised.events.map(\.id))
        #expect(a.events[0].id == revised.events[0].id, "an hour whose forecast did not change is the same event")
    }

    @Test func notAForecastPayload() throws {
        #expect(throws: FeedFormatError.self) { try OpenMeteoAdapter(parkID: "p").read(try JSONParser.parse("{}"), ingestTime: now) }
        let ragged = #"{"hourly":{"time":["2024-05-20T09:00"],"temperature_2m":[1,2]}}"#
        #expect(throws: FeedFormatError.self) { try OpenMeteoAdapter(parkID: "p").read(try JSONParser.parse(ragged), ingestTime: now) }
    }

    @Test func implausibleValuesAreRefusedByTheEvent() throws {
        let hot = #"{"hourly":{"time":["2024-05-20T09:00"],"temperature_2m":[240.0]}}"#
        let batch = try OpenMeteoAdapter(parkID: "p").read(try JSONParser.parse(hot), ingestTime: now)
        do {
            _ = try batch.events[0].decode(ParkWeatherHour.self)
            Issue.record("240 °C was accepted")
        } catch {
            #expect(error.field == "payload.temperature_c")
        }
    }
}
