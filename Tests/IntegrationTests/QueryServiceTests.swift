import Events
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Postgres
import Processor
import Projections
@testable import QueryService
import Registry
import Testing
import TestSupport

/// The query service against the real database: rows go straight into the projection tables, answers
/// come back through the router.
@Suite("QueryServiceTests", .enabled(if: TestEnvironment.databaseTestsEnabled))
struct QueryServiceTests {
    // MARK: - Waits

    @Test func currentWaitsListEveryAttractionByID() async throws {
        try await QueryServiceStack.withSeededPark { park, app in
            let (status, body) = try await app.get("/v1/parks/\(park)/waits")
            #expect(status == .ok)
            #expect(
                body
                    == json(
                        """
                        {"park_id":"\(park)","attractions":[
                          {"attraction_id":"alpha","name":"Alpha Coaster","status":"OPERATING","wait_minutes":25,
                           "observed_at":"2024-05-23T10:20:00Z","status_changed_at":"2024-05-23T08:00:00Z","forecast_60":null},
                          {"attraction_id":"space","name":"Space \\"Mountain\\"","status":"CLOSED","wait_minutes":null,
                           "observed_at":"2024-05-23T10:20:00.500Z","status_changed_at":"2024-05-23T09:30:00Z","forecast_60":null}]}
                        """))
        }
    }

    @Test func unknownParkIs404() async throws {
        try await QueryServiceStack.withSeededPark { _, app in
            for path in ["waits", "baselines", "crowd", "crowd/history?from=2024-05-23T10:00:00Z&to=2024-05-23T11:00:00Z"] {
                let (status, body) = try await app.get("/v1/parks/no-such-park-\(UUID())/\(path)")
                #expect(status == .notFound, "\(path)")
                #expect(body["error"]?["code"] == .string("not_found"), "\(path)")
                #expect(body["error"]?["field"] == .string("park_id"), "\(path)")
            }
            let (_, body) = try await app.get("/v1/parks/nowhere/waits")
            #expect(body["error"]?["message"] == .string("unknown park 'nowhere'"))
        }
    }

    // MARK: - History

    @Test(arguments: [nil, false] as [Bool?])
    func historyBucketsByInterval(timescale: Bool?) async throws {
        try await QueryServiceStack.withSeededPark(timescale: timescale) { park, app in
            let (status, body) = try await app.get(
                "/v1/parks/\(park)/attractions/alpha/history?from=2024-05-23T10:00:00Z&to=2024-05-23T10:45:00Z&interval=15m")
            #expect(status == .ok)
            // Bucket 1: waits 10 and 20 open, one CLOSED (no wait) and one DOWN (wait 99) count only as
            // observations. Bucket 2: 30. Bucket 3: only a closed observation.
            #expect(
                body
                    == json(
                        """
                        {"park_id":"\(park)","attraction_id":"alpha","from":"2024-05-23T10:00:00Z",
                         "to":"2024-05-23T10:45:00Z","interval":"15m","buckets":[
                          {"time":"2024-05-23T10:00:00Z","avg_wait_minutes":15,"min_wait_minutes":10,
                           "max_wait_minutes":20,"observations":4,"open_observations":2},
                          {"time":"2024-05-23T10:15:00Z","avg_wait_minutes":30,"min_wait_minutes":30,
                           "max_wait_minutes":30,"observations":1,"open_observations":1},
                          {"time":"2024-05-23T10:30:00Z","avg_wait_minutes":null,"min_wait_minutes":null,
                           "max_wait_minutes":null,"observations":1,"open_observations":0}]}
                        """))
        }
    }

    @Test func historyWithOneHourBucketsAndOffsetTimes() async throws {
        try await QueryServiceStack.withSeededPark { park, app in
            // 12:00+02:00 is 10:00Z; the default interval is 15m, so ask for 1h explicitly.
            let (status, body) = try await app.get(
                "/v1/parks/\(park)/attractions/alpha/history?from=2024-05-23T12:00:00%2B02:00&to=2024-05-23T11:00:00Z&interval=1h")
            #expect(status == .ok)
            let buckets = body["buckets"]?.arrayValue ?? []
            #expect(buckets.count == 1)
            #expect(buckets.first?["time"] == .string("2024-05-23T10:00:00Z"))
            // Open waits 10, 20, 30, 70; plus CLOSED, DOWN and CLOSED observations.
            #expect(buckets.first?["avg_wait_minutes"] == .double(32.5))
            #expect(buckets.first?["max_wait_minutes"] == .int(70))
            #expect(buckets.first?["observations"] == .int(7))
            #expect(buckets.first?["open_observations"] == .int(4))
        }
    }

    @Test func unknownAttractionIs404() async throws {
        try await QueryServiceStack.withSeededPark { park, app in
            let (status, body) = try await app.get(
                "/v1/parks/\(park)/attractions/nope/history?from=2024-05-23T10:00:00Z&to=2024-05-23T11:00:00Z")
            #expect(status == .notFound)
            #expect(body["error"]?["code"] == .string("not_found"))
            #expect(body["error"]?["field"] == .string("attraction_id"))
        }
    }

    @Test(arguments: [
        ("", "from"),
        ("from=yesterday&to=2024-05-23T11:00:00Z", "from"),
        ("from=2024-05-23T10:00:00Z", "to"),
        ("from=2024-05-23T10:00:00Z&to=2024-05-23T10:00:00Z", "to"),
        ("from=2024-05-23T10:00:00Z&to=2024-05-23T09:00:00Z", "to"),
        ("from=2024-01-01T00:00:00Z&to=2024-05-23T00:00:00Z", "to"),
        ("from=2024-05-23T10:00:00Z&to=2024-05-23T11:00:00Z&interval=0m", "interval"),
        ("from=2024-05-23T10:00:00Z&to=2024-05-23T11:00:00Z&interval=abc", "interval"),
        ("from=2024-05-23T10:00:00Z&to=2024-05-23T11:00:00Z&interval=-5m", "interval"),
        ("from=2024-05-23T10:00:00Z&to=2024-05-23T11:00:00Z&interval=15", "interval"),
        ("from=2024-05-01T00:00:00Z&to=2024-05-23T00:00:00Z&interval=1m", "interval"),
    ])
    func badHistoryParametersAre400(query: String, field: String) async throws {
        try await QueryServiceStack.withSeededPark { park, app in
            let (status, body) = try await app.get("/v1/parks/\(park)/attractions/alpha/history?\(query)")
            #expect(status == .badRequest, "\(query)")
            #expect(body["error"]?["code"] == .string("invalid_parameter"), "\(query)")
            #expect(body["error"]?["field"] == .string(field), "\(query)")
            let message = body["error"]?["message"]?.stringValue
            #expect(message?.isEmpty == false, "\(query)")
        }
    }

    @Test func bucketCountIncludesPartialBuckets() {
        let range = TimeRange(
            from: Timestamp(iso8601: "2024-05-23T10:05:00Z")!, to: Timestamp(iso8601: "2024-05-23T10:31:00Z")!)
        #expect(BucketInterval(seconds: 900).bucketCount(in: range) == 3)
        #expect(BucketInterval(seconds: 60).bucketCount(in: range) == 26)
        #expect(BucketInterval(seconds: 86_400).text == "1d")
        #expect(BucketInterval(seconds: 90).text == "90s")
    }

    // MARK: - Baselines

    @Test func baselinesOfParkAndOfOneAttraction() async throws {
        try await QueryServiceStack.withSeededPark { park, app in
            let (status, body) = try await app.get("/v1/parks/\(park)/baselines")
            #expect(status == .ok)
            #expect(
                body
                    == json(
                        """
                        {"park_id":"\(park)","baselines":[
                          {"attraction_id":"alpha","day_of_week":0,"hour":9,"samples":4,"p50_minutes":5,"p90_minutes":10},
                          {"attraction_id":"alpha","day_of_week":0,"hour":10,"samples":12,"p50_minutes":15,"p90_minutes":25},
                          {"attraction_id":"space","day_of_week":6,"hour":23,"samples":0,"p50_minutes":null,"p90_minutes":null}]}
                        """))

            let (oneStatus, one) = try await app.get("/v1/parks/\(park)/baselines?attraction_id=space")
            #expect(oneStatus == .ok)
            #expect(one["baselines"]?.arrayValue?.count == 1)
            #expect(one["baselines"]?.arrayValue?.first?["day_of_week"] == .int(6))

            let (unknownStatus, unknown) = try await app.get("/v1/parks/\(park)/baselines?attraction_id=nope")
            #expect(unknownStatus == .notFound)
            #expect(unknown["error"]?["field"] == .string("attraction_id"))

            let (emptyStatus, empty) = try await app.get("/v1/parks/\(park)/baselines?attraction_id=")
            #expect(emptyStatus == .badRequest)
            #expect(empty["error"]?["field"] == .string("attraction_id"))
        }
    }

    // MARK: - Crowd

    @Test func crowdNowAndHistory() async throws {
        try await QueryServiceStack.withSeededPark { park, app in
            let (status, now) = try await app.get("/v1/parks/\(park)/crowd")
            #expect(status == .ok)
            #expect(
                now
                    == json(
                        """
                        {"park_id":"\(park)","level":"high","ratio":1.2,"level_since":"2024-05-23T09:00:00Z",
                         "updated_at":"2024-05-23T10:20:00Z"}
                        """))

            let (historyStatus, history) = try await app.get(
                "/v1/parks/\(park)/crowd/history?from=2024-05-23T10:00:00Z&to=2024-05-23T10:30:00Z")
            #expect(historyStatus == .ok)
            #expect(
                history
                    == json(
                        """
                        {"park_id":"\(park)","from":"2024-05-23T10:00:00Z","to":"2024-05-23T10:30:00Z","samples":[
                          {"time":"2024-05-23T10:00:00Z","level":"moderate","ratio":0.9,"mean_wait_minutes":18,
                           "baseline_mean_minutes":20,"open_attractions":1},
                          {"time":"2024-05-23T10:10:00Z","level":"high","ratio":1.2,"mean_wait_minutes":24.5,
                           "baseline_mean_minutes":20,"open_attractions":1}],
                         "truncated":false}
                        """))

            let (badStatus, bad) = try await app.get("/v1/parks/\(park)/crowd/history?from=2024-05-23T10:00:00Z")
            #expect(badStatus == .badRequest)
            #expect(bad["error"]?["field"] == .string("to"))
        }
    }

    // MARK: - Motorsport

    @Test func sessionLeaderboardLapsAndFastestLaps() async throws {
        try await QueryServiceStack.withSeededPark { _, app in
            let url = try #require(QueryServiceStack.url)
            let session = "qs-race-\(UUID().uuidString.lowercased())"
            let s = try PGSession.connect(url: url)
            defer {
                for table in ["session_leaderboard", "lap_times"] {
                    _ = try? s.execute("DELETE FROM \(table) WHERE session_id = $1", [.text(session)])
                }
                s.close()
            }
            // Car 44 leads car 1 by 1.5 s; car 1 set the fastest lap; car 16 retired without a position.
            for (driver, position, gap, best, retired) in [(1, 2, 1.5, 90.1, false), (44, 1, 0.0, 90.4, false), (16, nil, nil, 91.0, true)] as [(Int, Int?, Double?, Double, Bool)] {
                _ = try s.execute(
                    """
                    INSERT INTO session_leaderboard (session_id, driver_number, position, laps_completed, gap_to_leader,
                      best_lap, pit_count, retired, updated_at, best_sector_1) VALUES ($1, $2, $3, 3, $4, $5, 1, $6, now(), $7)
                    """, [.text(session), .int(Int64(driver)), .int(position.map(Int64.init)), .double(gap), .double(best), .bool(retired),
                          .double(driver == 1 ? 30.1 : driver == 44 ? 29.9 : nil)])
            }
            for (driver, lap, duration) in [(1, 1, nil), (1, 2, 90.1), (1, 3, 90.6), (44, 2, 90.4), (44, 3, 90.5)] as [(Int, Int, Double?)] {
                _ = try s.execute(
                    """
                    INSERT INTO lap_times (time, session_id, driver_number, lap_number, lap_duration, is_pit_out_lap)
                    VALUES (now() + make_interval(secs => $3), $1, $2, $3, $4, false)
                    """, [.text(session), .int(Int64(driver)), .int(Int64(lap)), .double(duration)])
            }

            let (status, board) = try await app.get("/v1/sessions/\(session)/leaderboard")
            #expect(status == .ok)
            let drivers = board["drivers"]?.arrayValue ?? []
            #expect(drivers.map { $0["driver_number"]?.int64Value } == [44, 1, 16])
            #expect(drivers[1]["gap_to_leader"]?.doubleValue == 1.5)
            #expect(drivers[2]["retired"] == .bool(true) && drivers[2]["position"] == .null)
            // Overall best sectors: sector 1 only known for cars 1 (30.1) and 44 (29.9).
            let sectors = board["best_sectors"]?.arrayValue ?? []
            #expect(sectors.map { $0["seconds"] ?? .null } == [.double(29.9), .null, .null])
            #expect(sectors.first?["driver_number"]?.int64Value == 44)

            let (lapsStatus, laps) = try await app.get("/v1/sessions/\(session)/drivers/1/laps")
            #expect(lapsStatus == .ok)
            #expect(laps["laps"]?.arrayValue?.map { $0["lap_duration"] ?? .null } == [.null, .double(90.1), .double(90.6)])

            let (_, fastest) = try await app.get("/v1/sessions/\(session)/fastest-laps?limit=2")
            #expect(fastest["laps"]?.arrayValue?.map { [$0["driver_number"]?.int64Value, $0["lap_number"]?.int64Value] } == [[1, 2], [44, 2]])

            for (uri, field) in [("drivers/x/laps", "driver_number"), ("drivers/100/laps", "driver_number"), ("fastest-laps?limit=0", "limit")] {
                let (bad, body) = try await app.get("/v1/sessions/\(session)/\(uri)")
                #expect(bad == .badRequest, "\(uri)")
                #expect(body["error"]?["field"] == .string(field), "\(uri)")
            }
            _ = try s.execute(
                """
                INSERT INTO stints (session_id, driver_number, stint_number, compound, lap_start, lap_end, tyre_age_at_start,
                  clean_laps, degradation) VALUES ($1, 1, 1, 'SOFT', 1, 3, 0, 2, NULL), ($1, 1, 2, 'HARD', 4, NULL, 0, 0, 0.031)
                """, [.text(session)])
            defer { _ = try? s.execute("DELETE FROM stints WHERE session_id = $1", [.text(session)]) }
            let (_, stints) = try await app.get("/v1/sessions/\(session)/stints")
            #expect(stints["stints"]?.arrayValue?.map { $0["compound"] ?? .null } == [.string("SOFT"), .string("HARD")])
            #expect(stints["stints"]?.arrayValue?.last?["degradation"]?.doubleValue == 0.031)
            #expect(stints["stints"]?.arrayValue?.last?["lap_end"] == .null)

            for (seconds, id) in [(10, "e1"), (20, "e2")] {
                _ = try s.execute(
                    """
                    INSERT INTO race_events (time, session_id, driver_number, event_id, type, event)
                    VALUES ('2024-03-24T04:00:00Z'::timestamptz + make_interval(secs => $2), $1, 1, $3, 'motorsport.pit_stop.completed',
                            jsonb_build_object('id', $3::text))
                    """, [.text(session), .int(Int64(seconds)), .text(id)])
            }
            defer { _ = try? s.execute("DELETE FROM race_events WHERE session_id = $1", [.text(session)]) }
            let (_, all) = try await app.get("/v1/sessions/\(session)/events")
            #expect(all["events"]?.arrayValue?.map { $0["id"] ?? .null } == [.string("e1"), .string("e2")])
            let (_, recent) = try await app.get("/v1/sessions/\(session)/events?since=2024-03-24T04:00:10Z")
            #expect(recent["events"]?.arrayValue?.map { $0["id"] ?? .null } == [.string("e2")])
            let (badSince, sinceBody) = try await app.get("/v1/sessions/\(session)/events?since=soon")
            #expect(badSince == .badRequest && sinceBody["error"]?["field"] == .string("since"))

            // Telemetry: seconds 0–3 of car 1 (4 samples each at 100, 200, 300, 400 km/h), asked in 2-second buckets.
            for second in 0..<4 {
                _ = try s.execute(
                    """
                    INSERT INTO telemetry_1s (time, session_id, driver_number, samples, speed_min, speed_max, speed_sum,
                      throttle_sum, brake_samples, gear_max, drs_open_samples)
                    VALUES ('2024-03-24T04:00:00Z'::timestamptz + make_interval(secs => $2), $1, 1, 4, $3, $3, $3 * 4, 400, $4, $2 + 3, 0)
                    """, [.text(session), .int(Int64(second)), .int(Int64(100 * (second + 1))), .int(second == 1 ? 2 : 0)])
            }
            defer { _ = try? s.execute("DELETE FROM telemetry_1s WHERE session_id = $1", [.text(session)]) }
            let (telStatus, tel) = try await app.get(
                "/v1/sessions/\(session)/drivers/1/telemetry?from=2024-03-24T04:00:00Z&to=2024-03-24T04:00:04Z&resolution=2")
            #expect(telStatus == .ok)
            let buckets = tel["buckets"]?.arrayValue ?? []
            #expect(buckets.map { $0["samples"]?.int64Value } == [8, 8])
            #expect(buckets.map { $0["speed_mean"]?.doubleValue } == [150, 350])
            #expect(buckets.map { $0["speed_max"]?.int64Value } == [200, 400])
            #expect(buckets.first?["brake_share"]?.doubleValue == 0.25 && buckets.last?["gear_max"]?.int64Value == 6)
            let (badRes, resBody) = try await app.get(
                "/v1/sessions/\(session)/drivers/1/telemetry?from=2024-03-24T04:00:00Z&to=2024-03-24T04:00:04Z&resolution=0")
            #expect(badRes == .badRequest && resBody["error"]?["field"] == .string("resolution"))
            let (badRange, rangeBody) = try await app.get("/v1/sessions/\(session)/drivers/1/telemetry?from=2024-03-24T04:00:00Z")
            #expect(badRange == .badRequest && rangeBody["error"]?["field"] == .string("to"))

            let (missing, body) = try await app.get("/v1/sessions/no-such-\(session)/leaderboard")
            #expect(missing == .notFound)
            #expect(body["error"]?["field"] == .string("session_id"))
            let (noLaps, _) = try await app.get("/v1/sessions/\(session)/drivers/7/laps")
            #expect(noLaps == .notFound)
        }
    }

    // MARK: - Operations and errors

    @Test func healthReadinessAndMetrics() async throws {
        // These endpoints never touch the database.
        let pool = PGPool(url: QueryServiceStack.url ?? "", maxConnections: 1)
        let metrics = "# TYPE turnstile_test_total counter\nturnstile_test_total 3\n"
        for (checks, expected) in [(["database": true, "broker": true], HTTPResponse.Status.ok),
                                   (["database": true, "broker": false], .serviceUnavailable)] {
            let service = QueryService(pool: pool, readiness: { checks }, metrics: { metrics })
            let app = buildQueryApplication(service, logger: QueryServiceStack.logger)
            try await app.test(.router) { client in
                let (healthStatus, health) = try await client.get("/health")
                #expect(healthStatus == .ok)
                #expect(health == json(#"{"status":"ok"}"#))

                let (readyStatus, ready) = try await client.get("/ready")
                #expect(readyStatus == expected)
                let word = expected == .ok ? "ready" : "not_ready"
                #expect(ready == json(#"{"status":"\#(word)","checks":{"database":true,"broker":\#(checks["broker"]!)}}"#))

                try await client.execute(uri: "/metrics", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
                    #expect(String(decoding: response.body.readableBytesView, as: UTF8.self) == metrics)
                }
            }
        }
        await pool.close()
    }

    @Test func unknownRouteIsJSON404() async throws {
        try await QueryServiceStack.withSeededPark { park, app in
            // Not a path of the document: read without checking it against one.
            let (status, body) = try await app.execute(uri: "/v1/parks/\(park)/nothing-here", method: .get) {
                ($0.status, try JSONParser.parse(Array($0.body.readableBytesView)))
            }
            #expect(status == .notFound)
            #expect(body["error"]?["code"] == .string("not_found"))
        }
    }

    // MARK: - Parking

    /// A scripted garage (debounce 0, allowance 30 min, alerts at 75 % / 50 %): folded by the real projection
    /// and written by the real store, then read back through the routes. Hand-computed answers.
    @Test func parkingOccupancyHistoryForecastAlertsAndStays() async throws {
        try await QueryServiceStack.withSeededPark { _, app in
            let url = try #require(QueryServiceStack.url)
            let facility = "qs-garage-\(UUID().uuidString.lowercased())"
            let s = try PGSession.connect(url: url)
            defer {
                for table in ["parking_facilities", "parking_sensors", "occupancy_current", "occupancy_history", "parking_stays",
                              "occupancy_forecasts", "parking_alerts", "parking_state"] {
                    _ = try? s.execute("DELETE FROM \(table) WHERE facility_id = $1", [.text(facility)])
                }
                s.close()
            }
            let t0 = Timestamp(iso8601: "2024-05-20T10:00:00Z")!
            func meta(_ seconds: Int64, _ id: String) -> EventMeta { EventMeta(id: id, eventTime: t0.adding(seconds: seconds), ingestTime: t0) }
            func read(_ spot: String, _ zone: String, _ occupied: Bool, _ at: Int64) -> ParkingProjection.Input {
                .reading(meta(at, "\(spot)-\(at)"), SpotReading(facilityID: facility, level: "L1", zone: zone, spotID: spot, occupied: occupied))
            }
            func beat(_ sensor: String, _ at: Int64) -> ParkingProjection.Input {
                .heartbeat(meta(at, "hb-\(sensor)-\(at)"), SensorHeartbeat(facilityID: facility, sensorID: sensor))
            }
            let inputs: [ParkingProjection.Input] = [
                .layout(meta(0, "layout"), FacilityLayout(
                    facilityID: facility, name: "Test Garage", areas: [.init(level: "L1", zone: "A", capacity: 2), .init(level: "L1", zone: "B", capacity: 2)],
                    settings: FacilitySettings(debounceSeconds: 0, heartbeatAllowanceSeconds: 1_800, alertUpPercent: 75, alertDownPercent: 50))),
                read("s1", "A", true, 0), read("s2", "A", false, 0), read("s3", "B", true, 0),
                read("s4", "B", true, 60),  // 3 of 4: up at 10:01
                read("s2", "A", true, 600),  // full
                read("s2", "A", false, 1_200),  // a 10-minute stay; the 10:15 forecast is made first
                beat("s1", 1_500), beat("s2", 1_500), beat("s4", 1_500),
                read("s4", "B", false, 1_860),  // 10:30 forecast; s3 silent since 10:00 → offline at 10:30; 1 of 4: down
            ]
            let projection = ParkingProjection()
            var state: FacilityState?
            var rows: [ParkingRow] = []
            for input in inputs {
                let r = projection.fold(state, input)
                state = r.state
                rows += r.rows
            }
            let rowsToWrite = rows, final = try #require(state)
            try s.transaction { session in
                var tables = TableWriter(session: session, placement: .live)
                try ParkingStore().write(rowsToWrite, to: &tables)
                try ParkingStore().writeStates([facility: final], to: &tables)
            }

            let (status, now) = try await app.get("/v1/facilities/\(facility)/occupancy")
            #expect(status == .ok)
            #expect(now["name"] == .string("Test Garage"))
            #expect([now["capacity"], now["occupied"], now["free"], now["unknown"], now["sensors_offline"]].map { $0?.int64Value } == [4, 1, 2, 1, 1])
            #expect(now["above_threshold"] == .bool(false))
            #expect(now["threshold_changed_at"] == .string("2024-05-20T10:31:00Z"))
            let areas = (now["areas"]?.arrayValue ?? []).map { a in
                "\(a["scope"]?.stringValue ?? "")/\(a["level"]?.stringValue ?? "")/\(a["zone"]?.stringValue ?? "") "
                    + ["occupied", "free", "unknown", "capacity"].map { String(a[$0]?.int64Value ?? -1) }.joined(separator: " ")
            }
            #expect(areas == ["level/L1/ 1 2 1 4", "zone/L1/A 1 1 0 2", "zone/L1/B 0 1 1 2"])

            let (hs, history) = try await app.get(
                "/v1/facilities/\(facility)/occupancy/history?from=2024-05-20T10:00:00Z&to=2024-05-20T10:40:00Z&interval=10m")
            #expect(hs == .ok)
            let buckets = (history["buckets"]?.arrayValue ?? []).map { b in
                "\(b["time"]?.stringValue ?? "") " + ["occupied", "free", "unknown", "occupied_min", "occupied_max"].map { String(b[$0]?.int64Value ?? -1) }.joined(separator: " ")
            }
            // 10:00 starts from the layout's all-unknown row (0 occupied), ends at 10:01's 3 of 4.
            #expect(buckets == [
                "2024-05-20T10:00:00Z 3 1 0 0 3", "2024-05-20T10:10:00Z 4 0 0 3 4",
                "2024-05-20T10:20:00Z 3 1 0 3 4", "2024-05-20T10:30:00Z 1 2 1 1 3",
            ])
            let (zs, zoneB) = try await app.get(
                "/v1/facilities/\(facility)/occupancy/history?from=2024-05-20T10:20:00Z&to=2024-05-20T10:40:00Z&interval=10m&level=L1&zone=B")
            #expect(zs == .ok)
            // Nothing changed in zone B between 10:01 and 10:31: the first bucket carries 10:01's figures forward.
            #expect((zoneB["buckets"]?.arrayValue ?? []).map { $0["occupied"]?.int64Value ?? -1 } == [2, 0])

            let (_, forecast) = try await app.get("/v1/facilities/\(facility)/forecast")
            #expect(forecast["issued_at"] == .string("2024-05-20T10:30:00Z"))
            // 3 of 4 now, 4 of 4 a quarter ago: the trend (−25 points, damped 0.7 a step) → 57.5 %, 45.25 %, 36.7 %, 30.7 % of 4.
            #expect((forecast["steps"]?.arrayValue ?? []).map { $0["occupied"]?.int64Value ?? -1 } == [2, 2, 1, 1])
            #expect(forecast["steps"]?.arrayValue?.first?["time"] == .string("2024-05-20T10:45:00Z"))

            let (_, alerts) = try await app.get("/v1/facilities/\(facility)/alerts")
            #expect(alerts["active"]?["above_threshold"] == .bool(false))
            #expect((alerts["active"]?["offline_sensors"]?.arrayValue ?? []).map { $0["sensor_id"]?.stringValue } == ["s3"])
            #expect(alerts["active"]?["offline_sensors"]?.arrayValue?.first?["offline_since"] == .string("2024-05-20T10:30:00Z"))
            #expect((alerts["raised"]?.arrayValue ?? []).map { $0["type"]?.stringValue ?? "" } == [
                OccupancyThresholdCrossed.eventType, SensorOffline.eventType, OccupancyThresholdCrossed.eventType,
            ])
            let (_, since) = try await app.get("/v1/facilities/\(facility)/alerts?since=2024-05-20T10:30:00Z")
            #expect(since["raised"]?.arrayValue?.count == 1)
            let (_, offline) = try await app.get("/v1/facilities/\(facility)/sensors/offline")
            #expect((offline["sensors"]?.arrayValue ?? []).map { $0["sensor_id"]?.stringValue } == ["s3"])

            let (_, stays) = try await app.get("/v1/facilities/\(facility)/stays?from=2024-05-20T10:00:00Z&to=2024-05-20T11:00:00Z")
            #expect(stays["stays"]?.int64Value == 1)
            #expect(stays["median_seconds"]?.int64Value == 600)
            #expect(stays["mean_seconds"]?.doubleValue == 600)
            #expect(stays["histogram"]?.arrayValue?.first?["stays"]?.int64Value == 1)

            // Bad input: 4xx naming the field.
            for (path, code, field) in [
                ("/v1/facilities/nowhere-\(UUID())/occupancy", HTTPResponse.Status.notFound, "facility_id"),
                ("/v1/facilities/\(facility)/occupancy/history?from=2024-05-20T10:00:00Z&to=2024-05-20T11:00:00Z&interval=7x", .badRequest, "interval"),
                ("/v1/facilities/\(facility)/occupancy/history?from=2024-05-20T10:00:00Z&to=2024-05-20T11:00:00Z&level=L1&zone=Q", .notFound, "zone"),
                ("/v1/facilities/\(facility)/stays?to=2024-05-20T11:00:00Z", .badRequest, "from"),
                ("/v1/facilities/\(facility)/alerts?since=yesterday", .badRequest, "since"),
            ] {
                let (status, body) = try await app.get(path)
                #expect(status == code, "\(path)")
                #expect(body["error"]?["field"] == .string(field), "\(path)")
            }
        }
    }

    @Test func databaseDownIs503() async throws {
        // Nothing listens on port 1: connecting fails at once.
        let pool = PGPool(url: "postgres://postgres@127.0.0.1:1/turnstile?connect_timeout=2", maxConnections: 1)
        let service = QueryService(pool: pool, readiness: { [:] }, metrics: { "" })
        let app = buildQueryApplication(service, logger: QueryServiceStack.logger)
        try await app.test(.router) { client in
            let (status, body) = try await client.get("/v1/parks/somewhere/waits")
            #expect(status == .serviceUnavailable)
            #expect(body["error"]?["code"] == .string("unavailable"))
            #expect(body["error"]?["message"]?.stringValue?.contains("127.0.0.1") == false)
        }
        await pool.close()
    }
}

// MARK: - Fixture

/// The database the tests use and the rows they seed.
enum QueryServiceStack {
    static var url: String? { TestEnvironment.databaseURL }
    static let logger = Logger(label: "turnstile.query.tests")

    /// Runs once per process (a static `let` initialises once, thread-safely): concurrent
    /// `CREATE ... IF NOT EXISTS` statements can collide.
    static let migration: Result<Void, any Error> = Result {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let session = try PGSession.connect(url: url ?? "", logger: logger)
        defer { session.close() }
        _ = try Migrator(directory: root.appendingPathComponent("projections/migrations").path, logger: logger)
            .migrate(session)
    }

    /// Seeds a park with a fresh id, runs `body` against an application serving it, then deletes the rows.
    static func withSeededPark(
        timescale: Bool? = nil, _ body: @Sendable (String, any TestClientProtocol) async throws -> Void
    ) async throws {
        let url = try #require(Self.url, "DATABASE_URL is not set: run `eval \"$(ops/stack up)\"`")
        try migration.get()
        let park = "qs-test-\(UUID().uuidString.lowercased())"
        let pool = PGPool(url: url, maxConnections: 2, logger: logger)
        // Served as `turnstile serve --query-database-url` serves: reading as the read-only role.
        let reader = PGPool(url: QueryRole().url(from: url), maxConnections: 2, logger: logger)
        // The registered routes, the parks ones over a store whose bucketing SQL the test chooses.
        let parks = ParksReadStore(pool: reader, timescale: timescale)
        let routes: [any ReadRoutes] = [WaitTimesRoutes(store: parks), CrowdRoutes(store: parks)]
            + ProjectionRegistry.routes(pool: reader).filter { r in
                let inner = (r as? ProjectionReadRoutes)?.routes ?? r
                return !(inner is WaitTimesRoutes || inner is CrowdRoutes)
            }
        let service = QueryService(routes: routes, readiness: { [:] }, metrics: { "" })
        let app = buildQueryApplication(service, logger: logger)
        do {
            try await seed(park, pool)
            try await app.test(.router) { client in try await body(park, client) }
        } catch {
            try? await remove(park, pool)
            await pool.close()
            await reader.close()
            throw error
        }
        try await remove(park, pool)
        await pool.close()
        await reader.close()
    }

    static func time(_ hhmmss: String) -> Timestamp {
        Timestamp(iso8601: "2024-05-23T\(hhmmss)Z")!
    }

    private static func seed(_ park: String, _ pool: PGPool) async throws {
        let current: [(String, String, String, Int64?, Timestamp, Timestamp)] = [
            ("space", #"Space "Mountain""#, "CLOSED", nil, time("10:20:00.5"), time("09:30:00")),
            ("alpha", "Alpha Coaster", "OPERATING", 25, time("10:20:00"), time("08:00:00")),
        ]
        for (id, name, status, wait, observed, changed) in current {
            try await pool.query(
                """
                INSERT INTO \(WaitTimesTables.attractionCurrent.name)
                    (park_id, attraction_id, attraction_name, time_zone, wait_minutes, status, observed_at, status_changed_at)
                VALUES ($1, $2, $3, 'UTC', $4, $5, $6, $7)
                """,
                [.text(park), .text(id), .text(name), .int(wait), .text(status), .timestamp(observed.microseconds),
                 .timestamp(changed.microseconds)])
        }
        let waits: [(String, String, String, Int64?)] = [
            ("09:59:59", "alpha", "OPERATING", 50),  // before `from`
            ("10:00:00", "alpha", "OPERATING", 10),
            ("10:05:00", "alpha", "OPERATING", 20),
            ("10:10:00", "alpha", "CLOSED", nil),
            ("10:12:00", "alpha", "DOWN", 99),
            ("10:01:00", "space", "OPERATING", 5),  // another attraction
            ("10:15:00", "alpha", "OPERATING", 30),
            ("10:31:00", "alpha", "CLOSED", nil),
            ("10:45:00", "alpha", "OPERATING", 70),  // at `to`: excluded
        ]
        for (at, id, status, wait) in waits {
            try await pool.query(
                "INSERT INTO \(WaitTimesTables.waitTimes.name) (time, park_id, attraction_id, wait_minutes, status) VALUES ($1, $2, $3, $4, $5)",
                [.timestamp(time(at).microseconds), .text(park), .text(id), .int(wait), .text(status)])
        }
        let baselines: [(String, Int64, Int64, Int64, Int64?, Int64?)] = [
            ("space", 6, 23, 0, nil, nil), ("alpha", 0, 10, 12, 15, 25), ("alpha", 0, 9, 4, 5, 10),
        ]
        for (id, day, hour, samples, p50, p90) in baselines {
            try await pool.query(
                """
                INSERT INTO \(WaitTimesTables.attractionBaselines.name)
                    (park_id, attraction_id, day_of_week, hour, samples, p50_minutes, p90_minutes, wait_values, wait_counts)
                VALUES ($1, $2, $3, $4, $5, $6, $7, '{}', '{}')
                """, [.text(park), .text(id), .int(day), .int(hour), .int(samples), .int(p50), .int(p90)])
        }
        try await pool.query(
            """
            INSERT INTO \(CrowdTables.parkCrowdCurrent.name) (park_id, level, ratio, level_since, updated_at, last_sample_at)
            VALUES ($1, 'high', 1.2, $2, $3, $3)
            """, [.text(park), .timestamp(time("09:00:00").microseconds), .timestamp(time("10:20:00").microseconds)])
        let crowd: [(String, String, Double, Double)] = [
            ("09:50:00", "low", 0.6, 12), ("10:00:00", "moderate", 0.9, 18), ("10:10:00", "high", 1.2, 24.5),
            ("10:30:00", "high", 1.3, 26),
        ]
        for (at, level, ratio, mean) in crowd {
            try await pool.query(
                """
                INSERT INTO \(CrowdTables.crowdLevels.name)
                    (time, park_id, level, ratio, mean_wait_minutes, baseline_mean_minutes, open_attractions)
                VALUES ($1, $2, $3, $4, $5, 20, 1)
                """, [.timestamp(time(at).microseconds), .text(park), .text(level), .double(ratio), .double(mean)])
        }
    }

    private static func remove(_ park: String, _ pool: PGPool) async throws {
        for table in [WaitTimesTables.attractionCurrent, WaitTimesTables.waitTimes, WaitTimesTables.attractionBaselines, CrowdTables.parkCrowdCurrent, CrowdTables.crowdLevels].map(\.name) {
            try await pool.query("DELETE FROM \(table) WHERE park_id = $1", [.text(park)])
        }
    }
}

/// Parses expected JSON written as text, so that comparisons ignore member order and spacing.
private func json(_ text: String) -> JSONValue {
    (try? JSONParser.parse(text)) ?? .string("unparseable expectation: \(text)")
}

extension TestClientProtocol {
    /// GET `uri`; the status and the body parsed as JSON.
    /// Every answer is also checked against the served `/openapi.json` (`getChecked`).
    fileprivate func get(_ uri: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> (HTTPResponse.Status, JSONValue) {
        try await getChecked(uri, sourceLocation: sourceLocation)
    }
}
