import Events
import Foundation
import Ingest
import Testing

@Suite struct OpenF1AdapterTests {
    let now = Timestamp(iso8601: "2024-03-24T06:00:00Z")!

    func read(_ endpoint: OpenF1Adapter.Endpoint, _ json: String) throws -> FeedBatch {
        try OpenF1Adapter(endpoint).read(try JSONParser.parse(json), ingestTime: now)
    }

    @Test func lapsKeepMissingValuesMissingAndAreDatedByTheirEnd() throws {
        // Driver 1: lap 1 has neither start nor duration (dated by lap 2's start), lap 2 has both, lap 3 only
        // a start; driver 2's only lap has nothing at all (skipped). Segment arrays hold nulls.
        let batch = try read(.laps, """
            [{"meeting_key":1,"session_key":9488,"driver_number":1,"lap_number":1,"date_start":null,"duration_sector_1":null,
              "duration_sector_2":18.721,"duration_sector_3":36.608,"i1_speed":269,"i2_speed":298,"is_pit_out_lap":false,
              "lap_duration":null,"segments_sector_1":[null,2049],"segments_sector_2":[],"segments_sector_3":[2049],"st_speed":212},
             {"meeting_key":1,"session_key":9488,"driver_number":1,"lap_number":2,"date_start":"2024-03-24T04:05:10.250000+00:00",
              "duration_sector_1":30.5,"duration_sector_2":25.25,"duration_sector_3":25.0,"i1_speed":null,"i2_speed":300,
              "is_pit_out_lap":false,"lap_duration":80.75,"st_speed":null},
             {"meeting_key":1,"session_key":9488,"driver_number":1,"lap_number":3,"date_start":"2024-03-24T04:06:31Z",
              "duration_sector_1":null,"duration_sector_2":null,"duration_sector_3":null,"is_pit_out_lap":true,"lap_duration":null},
             {"meeting_key":1,"session_key":9488,"driver_number":2,"lap_number":7,"date_start":null,"lap_duration":null,
              "duration_sector_1":null,"duration_sector_2":null,"duration_sector_3":null,"is_pit_out_lap":false}]
            """)
        #expect(batch.events.count == 3)
        #expect(batch.skipped.count == 1)
        #expect(batch.skipped.first?.contains("lap 7 of driver 2") == true)
        let laps = try batch.events.map { try $0.decode(LapCompleted.self) }
        #expect(laps.map(\.lapNumber) == [1, 2, 3])
        #expect(laps[0].lapDuration == nil && laps[0].sector1 == nil && laps[0].sector2 == 18.721 && laps[0].speedTrap == 212)
        #expect(laps[0].startedAt == nil)
        #expect(batch.events[0].eventTime == Timestamp(iso8601: "2024-03-24T04:05:10.25Z"))
        #expect(laps[1].lapDuration == 80.75 && laps[1].intermediate1Speed == nil)
        #expect(batch.events[1].eventTime == Timestamp(iso8601: "2024-03-24T04:06:31Z"))
        #expect(laps[2].isPitOutLap && laps[2].lapDuration == nil)
        #expect(batch.events[2].eventTime == Timestamp(iso8601: "2024-03-24T04:06:31Z"))
        #expect(batch.events.allSatisfy { $0.key == "9488" && $0.source == "openf1" })
        // Re-reading the same payload gives the same ids (a re-polled API does not double-count).
        #expect(try read(.laps, #"[{"session_key":9488,"driver_number":1,"lap_number":2,"date_start":"2024-03-24T04:05:10Z","lap_duration":80}]"#)
            .events[0].id == batch.events[1].id)
    }

    @Test func bothPitSchemas() throws {
        let batch = try read(.pit, """
            [{"date":"2023-09-15T09:30:04.125000+00:00","session_key":9158,"meeting_key":1219,"driver_number":18,"pit_duration":null,"lap_number":1},
             {"date":"2023-09-15T10:26:23.519000+00:00","session_key":9158,"meeting_key":1219,"driver_number":11,"pit_duration":439.7,"lap_number":19},
             {"date":"2024-03-24T04:10:44.051000+00:00","session_key":9488,"pit_duration":18.2,"stop_duration":2.4,"lap_number":5,
              "meeting_key":1231,"driver_number":3,"lane_duration":18.3}]
            """)
        let pits = try batch.events.map { try $0.decode(PitStopReported.self) }
        #expect(pits.map(\.laneDuration) == [nil, 439.7, 18.3])
        #expect(pits.map(\.stopDuration) == [nil, nil, 2.4])
        #expect(batch.events[0].eventTime == Timestamp(iso8601: "2023-09-15T09:30:04.125Z"))
    }

    @Test func stintsIntervalsPositionsAndCarData() throws {
        let stints = try read(.stints, """
            [{"session_key":9488,"stint_number":2,"driver_number":27,"lap_start":18,"lap_end":null,"compound":"hard","tyre_age_at_start":3}]
            """).events.map { try $0.decode(StintReported.self) }
        #expect(stints == [StintReported(sessionID: "9488", driverNumber: 27, stintNumber: 2, compound: .hard, lapStart: 18, lapEnd: nil, tyreAgeAtStart: 3)])

        // Empty gaps before the start, lapped cars as "+1 LAP", epoch-millisecond dates (OpenF1 database dumps).
        let intervals = try read(.intervals, """
            [{"date":1719144447798,"driver_number":1,"gap_to_leader":"","interval":"","session_key":9539},
             {"date":"2023-09-17T13:10:00Z","driver_number":4,"gap_to_leader":12.5,"interval":1.25,"session_key":9165},
             {"date":"2023-09-17T13:10:00Z","driver_number":2,"gap_to_leader":"+1 LAP","interval":"+2 LAPS","session_key":9165}]
            """)
        let gaps = try intervals.events.map { try $0.decode(IntervalReported.self) }
        #expect(gaps.map(\.gapToLeader) == [nil, 12.5, nil])
        #expect(gaps.map(\.interval) == [nil, 1.25, nil])
        #expect(gaps.map(\.lapsBehindLeader) == [nil, nil, 1])
        #expect(intervals.events[0].eventTime == Timestamp(milliseconds: 1_719_144_447_798))

        let positions = try read(.position, #"[{"date":"2023-09-17T12:05:00Z","session_key":9165,"driver_number":55,"position":1}]"#)
        #expect(try positions.events[0].decode(PositionReported.self).position == 1)

        let cars = try read(.carData, """
            [{"driver_number":55,"rpm":10720,"speed":200,"n_gear":5,"throttle":104,"brake":0,"drs":12,"date":"2023-09-15T13:03:24.282000+00:00","session_key":9159}]
            """)
        let sample = try cars.events[0].decode(CarSample.self)
        #expect(sample.gear == 5 && sample.throttle == 104 && sample.isDRSOpen)
        #expect(cars.events[0].key == "9159/55")
    }

    @Test func badItemsAreSkippedWithTheFieldAndBadPayloadsRefused() throws {
        let batch = try read(.position, """
            [{"date":"2023-09-17T12:05:00Z","session_key":9165,"driver_number":0,"position":1},
             {"date":"yesterday","session_key":9165,"driver_number":1,"position":1},
             {"date":"2023-09-17T12:05:00Z","session_key":9165,"driver_number":1,"position":3}]
            """)
        #expect(batch.events.count == 1)
        #expect(batch.skipped.count == 2)
        #expect(batch.skipped[0].contains("driver_number"))
        #expect(batch.skipped[1].contains("date"))
        #expect(throws: FeedFormatError.self) { try read(.laps, #"{"laps":[]}"#) }
    }

    /// OpenF1's `drivers` endpoint, quirks included: colours with and without `#` and in either case, null
    /// colours and names, a reserve driver without an acronym, numbers as MongoDB extended JSON.
    @Test func driversNameTheirCarsAndSkipWhatCannotNameOne() throws {
        let batch = try read(.drivers, """
            [{"broadcast_name":"M VERSTAPPEN","country_code":"NED","driver_number":1,"first_name":"Max",
              "full_name":"Max VERSTAPPEN","headshot_url":"https://example.invalid/ver.png","last_name":"Verstappen",
              "meeting_key":1229,"name_acronym":"VER","session_key":9488,"team_colour":"3671C6","team_name":"Red Bull Racing"},
             {"broadcast_name":"C LECLERC","driver_number":16,"full_name":"Charles LECLERC","name_acronym":"lec",
              "session_key":9488,"team_colour":"#e8002d","team_name":"Ferrari","headshot_url":null},
             {"broadcast_name":null,"driver_number":{"$numberInt":"38"},"full_name":null,"name_acronym":"BEA",
              "session_key":{"$numberInt":"9488"},"team_colour":null,"team_name":null},
             {"broadcast_name":"R RESERVE","driver_number":45,"full_name":null,"name_acronym":null,"session_key":9488,
              "team_colour":"FFFFFF","team_name":"Test"},
             {"driver_number":46,"name_acronym":"R2D","session_key":9488},
             {"driver_number":47,"name_acronym":"ABC","session_key":9488,"team_colour":"#12345"}]
            """)
        let drivers = try batch.events.map { try $0.decode(DriverIdentified.self) }
        #expect(drivers.map(\.driverNumber) == [1, 16, 38])
        #expect(drivers[0] == DriverIdentified(
            sessionID: "9488", driverNumber: 1, nameAcronym: "VER", broadcastName: "M VERSTAPPEN", fullName: "Max VERSTAPPEN",
            teamName: "Red Bull Racing", teamColour: "3671C6"))
        #expect(drivers[1].nameAcronym == "LEC" && drivers[1].teamColour == "E8002D")
        #expect(drivers[2].teamColour == nil && drivers[2].fullName == nil && drivers[2].sessionID == "9488")
        #expect(batch.skipped.count == 3)
        #expect(batch.skipped[0].contains("no acronym for car 45"))
        #expect(batch.skipped[1].contains("name_acronym") && batch.skipped[1].contains("R2D"))
        #expect(batch.skipped[2].contains("team_colour"))
        // No time of their own: ingest time. The same entry read again is the same event.
        #expect(batch.events.allSatisfy { $0.eventTime == now && $0.key == "9488" })
        let again = try read(.drivers, #"[{"driver_number":1,"name_acronym":"VER","session_key":9488,"team_colour":"3671C6","team_name":"Red Bull Racing"}]"#)
        #expect(again.events.first?.id == batch.events.first?.id)
        // Routed with the timing: the session's folds see who drives before the laps.
        #expect(try RawEventRouter().route(batch.events[0]).topic == TopicNames.standard[.motorsportTiming])
    }

    @Test func routerSendsTimingBySessionAndTelemetryByCar() throws {
        let topics = TopicNames(prefix: "x.")
        let router = RawEventRouter(topics: topics)
        let lap = EventEnvelope(LapCompleted(sessionID: "9488", driverNumber: 1, lapNumber: 3, lapDuration: 80.1), source: "t", eventTime: now)
        #expect(try router.route(lap).topic == topics[.motorsportTiming])
        #expect(try router.route(lap).envelope.key == "9488")
        let car = EventEnvelope(CarSample(sessionID: "9488", driverNumber: 1, speed: 300, throttle: 100, brake: 0, gear: 8, rpm: 11_000, drs: 0), source: "t", eventTime: now)
        #expect(try router.route(car).topic == topics[.motorsportCarData])
        #expect(try router.route(car).envelope.key == "9488/1")
        // Validation names the field.
        var bad = lap
        bad.payload = try JSONParser.parse(#"{"session_id":"9488","driver_number":1,"lap_number":3,"lap_duration":-2}"#)
        do {
            _ = try router.route(bad)
            Issue.record("a negative lap time was accepted")
        } catch {
            #expect(error.field == "payload.lap_duration")
        }
    }

    @Test(.enabled(if: RealFeeds.available)) func readsTheRealOpenF1Files() throws {
        let root = RealFeeds.root + "/openf1/"
        func load(_ name: String) throws -> JSONValue { try JSONParser.parse(try RealFeeds.bytes(root + name)) }
        for (file, endpoint) in [
            ("laps_session9488_2024_australia_race.json", OpenF1Adapter.Endpoint.laps),
            ("laps_session9161_2023_singapore_qualifying.json", .laps),
            ("pit_session9158_2023_singapore_fp1.json", .pit), ("pit_session9488_2024_australia_race.json", .pit),
            ("stints_session9488_2024_australia_race.json", .stints),
            ("car_data_session9159_driver55_speed200.json", .carData),
            // OpenF1 database dumps: epoch-millisecond dates, MongoDB extended JSON numbers.
            ("mongodb_variant/position.json", .position), ("mongodb_variant/intervals.json", .intervals),
            ("mongodb_variant/laps.json", .laps), ("mongodb_variant/pit.json", .pit),
            ("mongodb_variant/stints.json", .stints), ("mongodb_variant/car_data.json", .carData),
        ] {
            let raw = try load(file)
            let batch = try OpenF1Adapter(endpoint).read(raw, ingestTime: now)
            #expect(batch.skipped.isEmpty, "\(file): \(batch.skipped.prefix(3))")
            #expect(batch.events.count == raw.arrayValue?.count, "\(file)")
            let router = RawEventRouter()
            for e in batch.events { _ = try router.route(e) }
        }
        // Missing lap times stay missing, and each driver's laps end in order (never before the lap before).
        let raw = try load("laps_session9488_2024_australia_race.json")
        let laps = try OpenF1Adapter(.laps).read(raw, ingestTime: now).events
        let nulls = raw.arrayValue!.filter { $0["lap_duration"]?.isNull ?? true }.count
        #expect(try laps.filter { try $0.decode(LapCompleted.self).lapDuration == nil }.count == nulls)
        var lastEnd: [Int: Timestamp] = [:]
        for e in laps.sorted(by: { try! $0.decode(LapCompleted.self).lapNumber < $1.decode(LapCompleted.self).lapNumber }) {
            let lap = try e.decode(LapCompleted.self)
            if let previous = lastEnd[lap.driverNumber] { #expect(e.eventTime >= previous, "driver \(lap.driverNumber) lap \(lap.lapNumber)") }
            lastEnd[lap.driverNumber] = e.eventTime
        }
        // Older pit schema: null pit_duration stays unknown.
        let fp1 = try load("pit_session9158_2023_singapore_fp1.json")
        let pits = try OpenF1Adapter(.pit).read(fp1, ingestTime: now).events.map { try $0.decode(PitStopReported.self) }
        #expect(pits.filter { $0.laneDuration == nil }.count == fp1.arrayValue!.filter { $0["pit_duration"]?.isNull ?? true }.count)
    }
}
