import APIDescription
import Events
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

@testable import QueryService

/// The read routes over in-memory stores: no database, no broker. What the SQL returns is tested against the
/// real stack (`IntegrationTests`); here, what the routes make of it.
@Suite struct ReadRoutesTests {
    static let t0 = Timestamp(iso8601: "2024-05-20T10:00:00Z")!

    static var parks: InMemoryParksStore {
        var store = InMemoryParksStore()
        store.waits["p1"] = [
            AttractionWait(
                attractionID: "b", name: "Bee", status: "OPERATING", waitMinutes: 25, observedAt: t0, statusChangedAt: t0,
                forecast60: .init(predictedMinutes: 31.26, targetTime: t0.adding(seconds: 3600), source: "active_model", modelVersion: 2)),
            AttractionWait(attractionID: "a", name: nil, status: "CLOSED", waitMinutes: nil, observedAt: t0, statusChangedAt: nil),
        ]
        store.crowd["p2"] = ParkCrowd(parkID: "p2", level: "high", ratio: 1.3, levelSince: t0, updatedAt: t0)
        store.crowdSamples["p1"] = (0..<5).map {
            CrowdSample(time: t0.adding(seconds: Int64($0) * 300), level: "low", ratio: 0.5, meanWaitMinutes: 10, baselineMeanMinutes: 20, openAttractions: 2)
        }
        return store
    }

    static func app(_ routes: [any ReadRoutes]) -> some ApplicationProtocol {
        buildQueryApplication(QueryService(routes: routes, readiness: { [:] }, metrics: { "" }), logger: Logger(label: "test"))
    }

    /// GET `uri`; every answer is also checked against the app's own `/openapi.json`.
    static func get(
        _ client: some TestClientProtocol, _ uri: String, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> (HTTPResponse.Status, JSONValue) {
        let (status, body) = try await client.execute(uri: uri, method: .get) { ($0.status, try JSONParser.parse(Array($0.body.readableBytesView))) }
        let document = try await client.execute(uri: "/openapi.json", method: .get) { try JSONParser.parse(Array($0.body.readableBytesView)) }
        let violations = APIDocumentValidator(document: document).violations(method: "GET", uri: uri, status: Int(status.code), body: body)
        #expect(violations.isEmpty, "\(violations.prefix(5))", sourceLocation: sourceLocation)
        return (status, body)
    }

    @Test func currentWaitsInIdOrderAndUnknownParksAnswer404() async throws {
        let store = Self.parks
        try await Self.app([WaitTimesRoutes(store: store), CrowdRoutes(store: store)]).test(.router) { client in
            let (status, body) = try await Self.get(client, "/v1/parks/p1/waits")
            #expect(status == .ok)
            #expect(body["park_id"] == .string("p1"))
            #expect(body["attractions"]?.arrayValue?.compactMap { $0["attraction_id"]?.stringValue } == ["a", "b"])
            #expect(body["attractions"]?.arrayValue?.first?["wait_minutes"] == .null)
            #expect(body["attractions"]?.arrayValue?.first?["forecast_60"] == .null)
            let forecast = body["attractions"]?.arrayValue?.last?["forecast_60"]
            #expect(forecast?["predicted_minutes"]?.doubleValue == 31.3 && forecast?["source"] == .string("active_model"))
            #expect(forecast?["target_time"] == .string("2024-05-20T11:00:00Z") && forecast?["model_version"]?.int64Value == 2)
            let (missing, error) = try await Self.get(client, "/v1/parks/nope/waits")
            #expect(missing == .notFound && error["error"]?["field"] == .string("park_id"))
            // A park known only by its crowd level has no waits, but its crowd answers.
            let (crowd, level) = try await Self.get(client, "/v1/parks/p2/crowd")
            #expect(crowd == .ok && level["level"] == .string("high"))
            let (noLevel, why) = try await Self.get(client, "/v1/parks/p1/crowd")
            #expect(noLevel == .notFound && why["error"]?["message"]?.stringValue?.contains("no crowd level yet") == true)
        }
    }

    @Test func historyChecksItsParametersBeforeTheStore() async throws {
        let store = Self.parks
        try await Self.app([WaitTimesRoutes(store: store), CrowdRoutes(store: store)]).test(.router) { client in
            let range = "from=2024-05-20T00:00:00Z&to=2024-05-21T00:00:00Z"
            for (uri, field) in [
                ("/v1/parks/p1/attractions/a/history?from=2024-05-20T00:00:00Z", "to"),
                ("/v1/parks/p1/attractions/a/history?\(range)&interval=7x", "interval"),
                ("/v1/parks/p1/attractions/zz/history?\(range)", "attraction_id"),
                ("/v1/parks/p1/crowd/history?from=2024-05-20T00:00:00Z&to=2024-09-20T00:00:00Z", "to"),
            ] {
                let (status, body) = try await Self.get(client, uri)
                #expect(status.code / 100 == 4 && body["error"]?["field"] == .string(field), "\(uri): \(status)")
            }
            let (ok, history) = try await Self.get(client, "/v1/parks/p1/crowd/history?\(range)")
            #expect(ok == .ok && history["samples"]?.arrayValue?.count == 5 && history["truncated"] == .bool(false))
        }
    }

    @Test func weatherGivesTheCurrentObservationAndEachHoursLatestReport() async throws {
        var store = InMemoryWeatherStore()
        let observed = WeatherHourLine(hour: Self.t0, temperatureC: 21.5, precipitationMM: 0, reportedAt: Self.t0.adding(seconds: 60))
        let forecast = WeatherHourLine(hour: Self.t0.adding(seconds: 3600), temperatureC: nil, precipitationMM: 2.5, reportedAt: Self.t0)
        store.current["p1"] = observed
        store.hours["p1"] = [observed, forecast]
        store.current["p2"] = .some(nil)
        try await Self.app([WeatherRoutes(store: store)]).test(.router) { client in
            let range = "from=2024-05-20T00:00:00Z&to=2024-05-21T00:00:00Z"
            let (status, body) = try await Self.get(client, "/v1/parks/p1/weather?\(range)")
            #expect(status == .ok && body["park_id"] == .string("p1"))
            #expect(body["current"]?["temperature_c"]?.doubleValue == 21.5 && body["current"]?["forecast"] == .bool(false))
            let hours = body["hours"]?.arrayValue ?? []
            #expect(hours.count == 2 && hours[1]["forecast"] == .bool(true) && hours[1]["temperature_c"] == .null)
            #expect(hours[1]["precipitation_mm"]?.doubleValue == 2.5 && hours[1]["hour"] == .string("2024-05-20T11:00:00Z"))
            let (known, nothingYet) = try await Self.get(client, "/v1/parks/p2/weather?\(range)")
            #expect(known == .ok && nothingYet["current"] == .null && nothingYet["hours"]?.arrayValue?.isEmpty == true)
            let (unknown, error) = try await Self.get(client, "/v1/parks/p3/weather?\(range)")
            #expect(unknown == .notFound && error["error"]?["field"] == .string("park_id"))
            let (bad, missing) = try await Self.get(client, "/v1/parks/p1/weather?from=2024-05-20T00:00:00Z")
            #expect(bad == .badRequest && missing["error"]?["field"] == .string("to"))
        }
    }

    @Test func forecastsAccuracyAndContextAnswerAndUnknownsAre404() async throws {
        var store = InMemoryForecastStore()
        store.latest["p1/a"] = [15, 60].map {
            ForecastLine(madeAt: Self.t0, horizonMinutes: $0, targetTime: Self.t0.adding(seconds: $0 * 60), predictedMinutes: 31.25,
                         source: "active_model", modelVersion: 3)
        }
        store.accuracy["p1"] = [AccuracyLine(modelVersion: 3, source: "active_model", horizonMinutes: 60, predictions: 12, meanAbsoluteError: 4.567)]
        store.contexts["p1"] = #"{"attractions":["a"],"schedules":[],"weather":[]}"#
        try await Self.app([ForecastRoutes(store: store), ParkContextRoutes(store: store)]).test(.router) { client in
            let (ok, forecast) = try await Self.get(client, "/v1/parks/p1/attractions/a/forecast")
            #expect(ok == .ok && forecast["attraction_id"] == .string("a") && forecast["made_at"] == .string("2024-05-20T10:00:00Z"))
            let horizons = forecast["horizons"]?.arrayValue ?? []
            #expect(horizons.map { $0["horizon_minutes"]?.int64Value } == [15, 60])
            #expect(horizons.first?["predicted_minutes"]?.doubleValue == 31.3 && horizons.first?["model_version"]?.int64Value == 3)
            let (none, why) = try await Self.get(client, "/v1/parks/p1/attractions/b/forecast")
            #expect(none == .notFound && why["error"]?["field"] == .string("attraction_id"))
            let (accurate, accuracy) = try await Self.get(client, "/v1/parks/p1/forecast-accuracy?from=2024-05-20T00:00:00Z&to=2024-05-21T00:00:00Z")
            #expect(accurate == .ok && accuracy["accuracy"]?.arrayValue?.first?["mae_minutes"]?.doubleValue == 4.57)
            let (bad, missing) = try await Self.get(client, "/v1/parks/p1/forecast-accuracy")
            #expect(bad == .badRequest && missing["error"]?["field"] == .string("from"))
            let (known, context) = try await Self.get(client, "/v1/parks/p1/context")
            #expect(known == .ok && context["context"]?["attractions"]?.arrayValue?.first == .string("a"))
            let (unknown, _) = try await Self.get(client, "/v1/parks/p9/context")
            #expect(unknown == .notFound)
        }
    }

    @Test func crowdForecastIsTheNewestOrEachHoursLastInARange() async throws {
        var store = InMemoryForecastStore()
        let older = Self.t0.adding(seconds: -3600)
        store.crowd["p1"] = [
            CrowdForecastHour(hour: Self.t0, level: "high", ratio: 1.23456, meanPredictedMinutes: 31.26, attractions: 4, madeAt: older),
            CrowdForecastHour(hour: Self.t0.adding(seconds: 3600), level: "moderate", ratio: 1, meanPredictedMinutes: 25, attractions: 4, madeAt: Self.t0),
            CrowdForecastHour(hour: Self.t0.adding(seconds: 7200), level: "low", ratio: 0.6, meanPredictedMinutes: 15, attractions: 3, madeAt: Self.t0),
        ]
        store.crowdNewest["p1"] = CrowdForecastUpdated(parkID: "p1", madeAt: Self.t0, hours: [
            .init(start: Self.t0.adding(seconds: 3600), level: .moderate, ratio: 1, meanPredictedMinutes: 25, attractions: 4),
            .init(start: Self.t0.adding(seconds: 7200), level: .low, ratio: 0.6, meanPredictedMinutes: 15, attractions: 3),
        ])
        store.crowdNewest["p2"] = CrowdForecastUpdated(parkID: "p2", madeAt: Self.t0, hours: [])
        try await Self.app([CrowdForecastRoutes(store: store)]).test(.router) { client in
            let (ok, newest) = try await Self.get(client, "/v1/parks/p1/crowd-forecast")
            #expect(ok == .ok && newest["made_at"] == .string("2024-05-20T10:00:00Z"))
            #expect(newest["hours"]?.arrayValue?.map { $0["level"]?.stringValue } == ["moderate", "low"])
            #expect(newest["hours"]?.arrayValue?.first?["hour"] == .string("2024-05-20T11:00:00Z"))
            // The day is over: a forecast without hours, not a 404.
            let (over, closed) = try await Self.get(client, "/v1/parks/p2/crowd-forecast")
            #expect(over == .ok && closed["hours"]?.arrayValue?.isEmpty == true)
            let (ranged, range) = try await Self.get(client, "/v1/parks/p1/crowd-forecast?from=2024-05-20T10:00:00Z&to=2024-05-20T11:00:00Z")
            let first = range["hours"]?.arrayValue?.first
            #expect(ranged == .ok && range["hours"]?.arrayValue?.count == 1)
            #expect(first?["ratio"]?.doubleValue == 1.235 && first?["mean_predicted_minutes"]?.doubleValue == 31.3)
            #expect(first?["made_at"] == .string("2024-05-20T09:00:00Z"))
            let (half, why) = try await Self.get(client, "/v1/parks/p1/crowd-forecast?from=2024-05-20T10:00:00Z")
            #expect(half == .badRequest && why["error"]?["field"] == .string("to"))
            let (none, missing) = try await Self.get(client, "/v1/parks/p9/crowd-forecast")
            #expect(none == .notFound && missing["error"]?["field"] == .string("park_id"))
        }
    }

    static func line(_ n: Int, at seconds: Int64) -> CommentaryEntry {
        CommentaryEntry(
            time: t0.adding(seconds: seconds), lineID: "l\(n)", lapNumber: Int64(n), driverNumber: 1, kind: "pit_stop",
            priority: "medium", text: "Lap \(n) — #1 pits")
    }

    /// Cursor paging where many entries share a time: every event and every line exactly once, pages of two, each
    /// page's next_cursor leading to the next; a cursor not given by the service is a 400 naming it.
    @Test func cursorsPageThroughEntriesThatShareATimeExactlyOnce() async throws {
        var sessions = InMemorySessionStore()
        sessions.boards["s"] = [Self.board(1, position: 1, sectors: [nil, nil, nil])]
        // Five events, three of them at the same instant.
        sessions.events["s"] = [10, 20, 20, 20, 30].enumerated().map { (Self.t0.adding(seconds: Int64($1)), #"{"id":"e\#($0)"}"#) }
        var commentary = InMemoryCommentaryStore()
        commentary.sessions["s"] = (0..<5).map { i in
            CommentaryEntry(time: Self.t0.adding(seconds: i < 4 ? 60 : 120), lineID: "l\(i)", lapNumber: 1, driverNumber: 1, kind: "k", priority: "low", text: "t\(i)")
        }
        try await Self.app([SessionRoutes(store: sessions), CommentaryRoutes(store: commentary)]).test(.router) { client in
            for (path, key, field) in [("events", "events", "id"), ("commentary", "lines", "text")] {
                // Commentary without `since` or a cursor gives the newest lines: page from the start of the day.
                let start = path == "commentary" ? "&since=2024-05-20T00:00:00Z" : ""
                var seen: [JSONValue] = [], uri = "/v1/sessions/s/\(path)?limit=2\(start)", pages = 0
                while pages < 10 {
                    let (status, page) = try await Self.get(client, uri)
                    #expect(status == .ok)
                    seen += page[key]?.arrayValue?.compactMap { $0[field] } ?? []
                    pages += 1
                    guard page["truncated"] == .bool(true), let next = page["next_cursor"]?.stringValue else { break }
                    uri = "/v1/sessions/s/\(path)?limit=2&cursor=\(next)"
                }
                let expected: [JSONValue] = path == "events" ? (0..<5).map { .string("e\($0)") } : (0..<5).map { .string("t\($0)") }
                #expect(seen == expected && pages == 3, "\(path): \(seen)")
                let (status, bad) = try await Self.get(client, "/v1/sessions/s/\(path)?cursor=zz")
                #expect(status == .badRequest && bad["error"]?["field"] == .string("cursor"))
            }
            // Polling: from the last cursor, nothing new yet and the same cursor back.
            let (_, all) = try await Self.get(client, "/v1/sessions/s/events")
            let end = try #require(all["next_cursor"]?.stringValue)
            let (_, none) = try await Self.get(client, "/v1/sessions/s/events?cursor=\(end)")
            #expect(none["events"]?.arrayValue?.isEmpty == true && none["next_cursor"]?.stringValue == end && none["truncated"] == .bool(false))
        }
        #expect(ListCursor(text: ListCursor(time: Self.t0, key: "a|b é").text) == ListCursor(time: Self.t0, key: "a|b é"))
        #expect(ListCursor(text: "") == nil && ListCursor(text: "3") == nil && ListCursor(text: "7a7a") == nil)
    }

    @Test func commentaryIsNewestLastPagedBySinceAndLimit() async throws {
        var store = InMemoryCommentaryStore()
        store.sessions["s"] = (1...6).map { Self.line($0, at: Int64($0) * 60) }
        store.sessions["quiet"] = []
        try await Self.app([CommentaryRoutes(store: store)]).test(.router) { client in
            func texts(_ body: JSONValue) -> [String] { body["lines"]?.arrayValue?.compactMap { $0["text"]?.stringValue } ?? [] }
            let (_, newest) = try await Self.get(client, "/v1/sessions/s/commentary?limit=2")
            #expect(texts(newest) == ["Lap 5 — #1 pits", "Lap 6 — #1 pits"])
            #expect(newest["truncated"] == .bool(true))
            let (_, all) = try await Self.get(client, "/v1/sessions/s/commentary")
            #expect(texts(all).count == 6 && all["truncated"] == .bool(false))
            #expect(all["lines"]?.arrayValue?.first?["time"] == .string("2024-05-20T10:01:00Z"))
            let (_, page) = try await Self.get(client, "/v1/sessions/s/commentary?since=2024-05-20T10:02:00Z&limit=3")
            #expect(texts(page) == ["Lap 3 — #1 pits", "Lap 4 — #1 pits", "Lap 5 — #1 pits"])
            #expect(page["truncated"] == .bool(true))
            let (_, rest) = try await Self.get(client, "/v1/sessions/s/commentary?since=2024-05-20T10:05:00Z&limit=3")
            #expect(texts(rest) == ["Lap 6 — #1 pits"] && rest["truncated"] == .bool(false))
            // A session folded without a line yet is empty, not unknown.
            let (quiet, nothing) = try await Self.get(client, "/v1/sessions/quiet/commentary")
            #expect(quiet == .ok && texts(nothing).isEmpty)
            let (unknown, body) = try await Self.get(client, "/v1/sessions/other/commentary")
            #expect(unknown == .notFound && body["error"]?["field"] == .string("session_id"))
            let (bad, limit) = try await Self.get(client, "/v1/sessions/s/commentary?limit=1001")
            #expect(bad == .badRequest && limit["error"]?["field"] == .string("limit"))
        }
    }

    @Test func telemetryBucketsAtTheAskedResolutionWithinBounds() async throws {
        var store = InMemoryTelemetryStore()
        store.seconds["s/7"] = (0..<4).map {
            TelemetryBucket(
                time: Self.t0.adding(seconds: Int64($0)), samples: 4, speedMin: 100 + Int64($0), speedMax: 200 + Int64($0),
                speedMean: 150, throttleMean: 50, brakeShare: 0.25, gearMax: 5 + Int64($0), drsOpenShare: 0)
        }
        try await Self.app([TelemetryRoutes(store: store)]).test(.router) { client in
            let range = "from=2024-05-20T10:00:00Z&to=2024-05-20T10:00:04Z"
            let (ok, body) = try await Self.get(client, "/v1/sessions/s/drivers/7/telemetry?\(range)&resolution=2")
            #expect(ok == .ok && body["driver_number"] == .int(7) && body["resolution_seconds"] == .int(2))
            let buckets = body["buckets"]?.arrayValue ?? []
            #expect(buckets.map { $0["samples"] } == [.int(8), .int(8)])
            #expect(buckets.map { $0["speed_min"] } == [.int(100), .int(102)])
            #expect(buckets.last?["gear_max"] == .int(8) && buckets.last?["time"] == .string("2024-05-20T10:00:02Z"))
            for (uri, field) in [
                ("/v1/sessions/s/drivers/7/telemetry?\(range)&resolution=0", "resolution"),
                ("/v1/sessions/s/drivers/7/telemetry?from=2024-05-20T00:00:00Z&to=2024-05-21T00:00:00Z", "resolution"),
                ("/v1/sessions/s/drivers/100/telemetry?\(range)", "driver_number"),
                ("/v1/sessions/s/drivers/7/telemetry?from=2024-05-20T10:00:00Z", "to"),
            ] {
                let (status, error) = try await Self.get(client, uri)
                #expect(status == .badRequest && error["error"]?["field"] == .string(field), "\(uri)")
            }
        }
    }

    static func board(_ n: Int64, position: Int64?, sectors: [Double?]) -> LeaderboardLine {
        LeaderboardLine(
            driverNumber: n, position: position, lapsCompleted: 3, gapToLeader: nil, gapToAhead: nil, lapsBehindLeader: nil,
            lastLap: 90, bestLap: 89, bestLapNumber: 2, bestSectors: sectors, compound: "MEDIUM", tyreAge: 3, pitCount: 0,
            retired: false, updatedAt: t0)
    }

    static func lap(_ car: Int64, _ n: Int64, _ duration: Double?) -> LapLine {
        LapLine(
            driverNumber: car, lapNumber: n, time: t0.adding(seconds: n * 90), lapDuration: duration, sectors: [nil, nil, nil],
            isPitOutLap: false, speeds: [nil, nil, nil], compound: nil, tyreAge: nil)
    }

    @Test func sessionAnswersLeaderboardLapsAndTheirErrors() async throws {
        var store = InMemorySessionStore()
        store.boards["s"] = [Self.board(44, position: nil, sectors: [30, nil, 29]), Self.board(1, position: 1, sectors: [31, 28, nil])]
        store.lapsByCar["s"] = [Self.lap(1, 2, 89.5), Self.lap(1, 1, nil), Self.lap(44, 2, 88.25)]
        store.events["s"] = [(Self.t0.adding(seconds: 10), #"{"id":"e1"}"#), (Self.t0.adding(seconds: 20), #"{"id":"e2"}"#)]
        try await Self.app([SessionRoutes(store: store)]).test(.router) { client in
            let (ok, board) = try await Self.get(client, "/v1/sessions/s/leaderboard")
            #expect(ok == .ok)
            #expect(board["drivers"]?.arrayValue?.map { $0["driver_number"] } == [.int(1), .int(44)])
            #expect(board["best_sectors"]?.arrayValue?.map { $0["driver_number"] } == [.int(44), .int(1), .int(44)])
            #expect(board["drivers"]?.arrayValue?.first?["best_sector_3"] == .null)
            let (_, laps) = try await Self.get(client, "/v1/sessions/s/drivers/1/laps")
            #expect(laps["laps"]?.arrayValue?.map { $0["lap_number"] } == [.int(1), .int(2)] && laps["driver_number"] == .int(1))
            let (_, fastest) = try await Self.get(client, "/v1/sessions/s/fastest-laps?limit=1")
            #expect(fastest["laps"]?.arrayValue?.map { $0["driver_number"] } == [.int(44)])
            let (_, since) = try await Self.get(client, "/v1/sessions/s/events?since=2024-05-20T10:00:15Z")
            #expect(since["events"]?.arrayValue?.map { $0["id"] } == [.string("e2")] && since["truncated"] == .bool(false))
            let (noLaps, why) = try await Self.get(client, "/v1/sessions/s/drivers/7/laps")
            #expect(noLaps == .notFound && why["error"]?["field"] == .string("driver_number"))
            for uri in ["/v1/sessions/x/leaderboard", "/v1/sessions/x/stints", "/v1/sessions/x/events", "/v1/sessions/x/drivers/1/laps"] {
                let (status, body) = try await Self.get(client, uri)
                #expect(status == .notFound && body["error"]?["field"] == .string("session_id"), "\(uri)")
            }
        }
    }

    @Test func parkingHistoryCarriesOccupancyForwardAndUnknownAreasAnswer404() async throws {
        var store = InMemoryParkingStore()
        let counts = { (o: Int64) in OccupancyCounts(occupied: o, free: 10 - o, unknown: 0, capacity: 10) }
        store.facilities["g"] = FacilitySummary(
            name: "Garage", capacity: 10, occupied: 6, free: 4, unknown: 0, aboveThreshold: true, thresholdChangedAt: Self.t0,
            alertUpPercent: 90, alertDownPercent: 80, sensorsOffline: 1, clock: Self.t0)
        // Before the range: 2 occupied. In the first hour: 5 then 3. Nothing in the second hour. Then 6.
        store.changes[InMemoryParkingStore.key("g", .facility, "", "")] = [
            (Self.t0.adding(seconds: -600), counts(2)), (Self.t0.adding(seconds: 600), counts(5)),
            (Self.t0.adding(seconds: 1_200), counts(3)), (Self.t0.adding(seconds: 7_800), counts(6)),
        ]
        store.offline["g"] = [SensorLine(sensorID: "s1", kind: "spot", level: "A", zone: "1", lastSeen: Self.t0, offlineSince: Self.t0, batteryPercent: nil)]
        store.raised["g"] = [(Self.t0, #"{"id":"a1"}"#), (Self.t0.adding(seconds: 60), #"{"id":"a2"}"#)]
        try await Self.app([ParkingRoutes(store: store)]).test(.router) { client in
            let (ok, history) = try await Self.get(
                client, "/v1/facilities/g/occupancy/history?from=2024-05-20T10:00:00Z&to=2024-05-20T13:00:00Z&interval=1h")
            #expect(ok == .ok)
            let buckets = history["buckets"]?.arrayValue ?? []
            #expect(buckets.map { $0["occupied"] } == [.int(3), .int(3), .int(6)])
            #expect(buckets.map { $0["occupied_min"] } == [.int(2), .int(3), .int(3)])
            #expect(buckets.map { $0["occupied_max"] } == [.int(5), .int(3), .int(6)])
            let (alerts, body) = try await Self.get(client, "/v1/facilities/g/alerts")
            #expect(alerts == .ok && body["active"]?["above_threshold"] == .bool(true))
            #expect(body["active"]?["offline_sensors"]?.arrayValue?.count == 1)
            #expect(body["raised"]?.arrayValue?.map { $0["id"] } == [.string("a2"), .string("a1")])
            #expect(body["truncated"] == .bool(false) && body["next_cursor"] == .null)
            // Newest first, a page at a time: the older page goes on from the oldest alert given.
            let (_, newest) = try await Self.get(client, "/v1/facilities/g/alerts?limit=1")
            #expect(newest["raised"]?.arrayValue?.map { $0["id"] } == [.string("a2")] && newest["truncated"] == .bool(true))
            let older = try #require(newest["next_cursor"]?.stringValue)
            let (_, rest) = try await Self.get(client, "/v1/facilities/g/alerts?limit=1&cursor=\(older)")
            #expect(rest["raised"]?.arrayValue?.map { $0["id"] } == [.string("a1")] && rest["next_cursor"] == .null)
            let (stays, none) = try await Self.get(client, "/v1/facilities/g/stays?from=2024-05-20T00:00:00Z&to=2024-05-21T00:00:00Z")
            #expect(stays == .ok && none["stays"] == .int(0) && none["median_seconds"] == .null && none["histogram"]?.arrayValue?.count == 7)
            let (level, why) = try await Self.get(
                client, "/v1/facilities/g/occupancy/history?from=2024-05-20T10:00:00Z&to=2024-05-20T13:00:00Z&level=B")
            #expect(level == .notFound && why["error"]?["field"] == .string("level"))
            let (unknown, which) = try await Self.get(client, "/v1/facilities/nope/forecast")
            #expect(unknown == .notFound && which["error"]?["field"] == .string("facility_id"))
        }
    }

    /// The lists a dashboard picks from: every id once, in byte order, across pages of any size.
    @Test func parksSessionsAndFacilitiesListPageByIdExactlyOnce() async throws {
        var parks = Self.parks
        for id in ["Z", "p10", "é", "a-1"] { parks.waits[id] = [AttractionWait(attractionID: "r", name: nil, status: "CLOSED", waitMinutes: nil, observedAt: nil, statusChangedAt: nil)] }
        var sessions = InMemorySessionStore()
        sessions.boards["s2"] = [Self.board(44, position: 2, sectors: []), Self.board(1, position: 1, sectors: [])]
        sessions.boards["s1"] = [Self.board(7, position: nil, sectors: [])]
        var parking = InMemoryParkingStore()
        for id in ["g2", "g1"] {
            parking.facilities[id] = FacilitySummary(
                name: id.uppercased(), capacity: 10, occupied: 4, free: 6, unknown: 0, aboveThreshold: false, thresholdChangedAt: nil,
                alertUpPercent: 90, alertDownPercent: 80, sensorsOffline: 0, clock: Self.t0)
        }
        try await Self.app([WaitTimesRoutes(store: parks), SessionRoutes(store: sessions), ParkingRoutes(store: parking)]).test(.router) { client in
            // p2 has a crowd level but no attractions: the list is of parks with attractions.
            let all = ["Z", "a-1", "p1", "p10", "é"]
            for limit in [1, 2, 5, 100] {
                var seen: [String] = []
                var uri = "/v1/parks?limit=\(limit)"
                for _ in 0..<10 {
                    let (status, body) = try await Self.get(client, uri)
                    #expect(status == .ok)
                    seen += body["parks"]?.arrayValue?.compactMap { $0["park_id"]?.stringValue } ?? []
                    guard body["truncated"] == .bool(true), let next = body["next_cursor"]?.stringValue else { break }
                    uri = "/v1/parks?limit=\(limit)&cursor=\(next)"
                }
                #expect(seen == all, "limit \(limit)")
            }
            let (_, first) = try await Self.get(client, "/v1/parks?limit=5")
            let p1 = first["parks"]?.arrayValue?[2]
            #expect(p1?["attractions"] == .int(2) && p1?["operating"] == .int(1) && p1?["mean_wait_minutes"]?.doubleValue == 25)
            #expect(p1?["observed_at"] == .string("2024-05-20T10:00:00Z"))
            #expect(first["parks"]?.arrayValue?[0]["mean_wait_minutes"] == .null)

            let (_, list) = try await Self.get(client, "/v1/sessions")
            #expect(list["sessions"]?.arrayValue?.map { $0["session_id"] } == [.string("s1"), .string("s2")])
            #expect(list["sessions"]?.arrayValue?.map { $0["leader"] } == [.null, .int(1)])
            #expect(list["sessions"]?.arrayValue?.last?["cars"] == .int(2) && list["truncated"] == .bool(false))

            let (_, page) = try await Self.get(client, "/v1/facilities?limit=1")
            #expect(page["facilities"]?.arrayValue?.map { $0["facility_id"] } == [.string("g1")] && page["truncated"] == .bool(true))
            #expect(page["facilities"]?.arrayValue?.first?["name"] == .string("G1"))
            let next = try #require(page["next_cursor"]?.stringValue)
            let (_, rest) = try await Self.get(client, "/v1/facilities?limit=1&cursor=\(next)")
            #expect(rest["facilities"]?.arrayValue?.map { $0["facility_id"] } == [.string("g2")] && rest["truncated"] == .bool(false))

            for (uri, field) in [("/v1/parks?limit=0", "limit"), ("/v1/sessions?cursor=zz", "cursor"), ("/v1/facilities?limit=1001", "limit")] {
                let (status, body) = try await Self.get(client, uri)
                #expect(status == .badRequest && body["error"]?["field"] == .string(field), "\(uri)")
            }
        }
    }
}
