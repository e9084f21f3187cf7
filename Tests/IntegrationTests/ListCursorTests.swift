import Events
import Foundation
import Hummingbird
import HummingbirdTesting
import Postgres
import Processor
import QueryService
import Registry
import Testing
import TestSupport

/// Cursor paging on the real tables, through the service `turnstile serve` builds: race events, commentary and a
/// car's laps forward, a facility's alerts backward, one entry a page, where three entries share one instant. Each entry
/// comes exactly once, in order (the stores compare time and id together: time alone would skip or repeat).
@Suite("ListCursorTests", .enabled(if: TestStack.enabled))
struct ListCursorTests {
    @Test func pagesOfOneGoThroughEntriesThatShareATimeExactlyOnce() async throws {
        let ns = try TestNamespace.make()
        defer { ns.drop() }
        let admin = try ns.session()
        defer { admin.close() }
        let seconds = [10, 20, 20, 20, 30]
        for (i, s) in seconds.enumerated() {
            let time = "2024-05-20T10:00:\(s)Z"
            _ = try admin.execute(
                "INSERT INTO race_events (time, session_id, driver_number, event_id, type, event) VALUES ($1::timestamptz, 's', 1, $2, 'x', $3::jsonb)",
                [.text(time), .text("e\(i)"), .text(#"{"id":"e\#(i)"}"#)])
            _ = try admin.execute(
                """
                INSERT INTO commentary (time, session_id, line_id, lap_number, driver_number, kind, priority, text)
                VALUES ($1::timestamptz, 's', $2, 1, 1, 'k', 'low', $3)
                """, [.text(time), .text("l\(i)"), .text("t\(i)")])
            _ = try admin.execute(
                "INSERT INTO parking_alerts (time, facility_id, event_id, type, event) VALUES ($1::timestamptz, 'g', $2, 'x', $3::jsonb)",
                [.text(time), .text("a\(i)"), .text(#"{"id":"a\#(i)"}"#)])
        }
        // A car's laps: lap 2 twice (a correction at a later time), so a lap number alone would not do.
        for (lap, s) in [(1, 10), (2, 20), (2, 25), (3, 30)] {
            _ = try admin.execute(
                "INSERT INTO lap_times (time, session_id, driver_number, lap_number, is_pit_out_lap) VALUES ($1::timestamptz, 's', 7, $2, false)",
                [.text("2024-05-20T10:01:\(s)Z"), .int(Int64(lap))])
        }
        _ = try admin.execute(
            """
            INSERT INTO parking_facilities (facility_id, capacity, occupied, free, unknown, alert_up_percent, alert_down_percent, above_threshold, sensors_offline)
            VALUES ('g', 10, 0, 10, 0, 90, 80, false, 0)
            """)
        let reader = PGPool(url: QueryRole().url(from: ns.databaseURL), maxConnections: 2, logger: TestStack.logger)
        let app = buildQueryApplication(QueryService(pool: reader, readiness: { [:] }, metrics: { "" }), logger: TestStack.logger)
        do {
            try await app.test(.router) { client in
                func page(_ first: String, key: String, field: String) async throws -> [String] {
                    var seen: [String] = [], uri = first
                    for _ in 0..<10 {
                        let (status, body) = try await client.getChecked(uri)
                        #expect(status == .ok, "\(uri)")
                        seen += (body[key]?.arrayValue ?? []).compactMap { $0[field]?.stringValue }
                        guard body["truncated"] == .bool(true), let next = body["next_cursor"]?.stringValue else { break }
                        uri = first + "&cursor=" + next
                    }
                    return seen
                }
                let events = try await page("/v1/sessions/s/events?limit=1", key: "events", field: "id")
                #expect(events == (0..<5).map { "e\($0)" })
                let lines = try await page("/v1/sessions/s/commentary?limit=1&since=2024-05-20T00:00:00Z", key: "lines", field: "text")
                #expect(lines == (0..<5).map { "t\($0)" })
                var laps: [String] = [], uri = "/v1/sessions/s/drivers/7/laps?limit=1"
                for _ in 0..<10 {
                    let (status, body) = try await client.getChecked(uri)
                    #expect(status == .ok)
                    laps += (body["laps"]?.arrayValue ?? []).compactMap { lap in
                        lap["lap_number"]?.int64Value.map { "\($0)@\(lap["time"]?.stringValue ?? "")" }
                    }
                    guard body["truncated"] == .bool(true), let next = body["next_cursor"]?.stringValue else { break }
                    uri = "/v1/sessions/s/drivers/7/laps?limit=1&cursor=" + next
                }
                #expect(laps == ["1@2024-05-20T10:01:10Z", "2@2024-05-20T10:01:20Z", "2@2024-05-20T10:01:25Z", "3@2024-05-20T10:01:30Z"])
                let alerts = try await page("/v1/facilities/g/alerts?limit=1", key: "raised", field: "id")
                #expect(alerts == (0..<5).reversed().map { "a\($0)" })
            }
        } catch {
            await reader.close()
            throw error
        }
        await reader.close()
    }

    /// The lists a dashboard picks from, on the real tables through the read-only role: ids in byte order, one a page,
    /// each exactly once; a park's counts and mean wait are its operating attractions'.
    @Test func parksSessionsAndFacilitiesPageByIdOnTheRealTables() async throws {
        let ns = try TestNamespace.make()
        defer { ns.drop() }
        let admin = try ns.session()
        defer { admin.close() }
        let ids = ["b", "a", "\u{e9}", "Z", "a b"]
        for (i, id) in ids.enumerated() {
            for (ride, status, wait) in [("r1", "OPERATING", 10 + i), ("r2", "OPERATING", 21 + i), ("r3", "CLOSED", 0)] {
                _ = try admin.execute(
                    """
                    INSERT INTO attraction_current (park_id, attraction_id, status, wait_minutes, observed_at, recent_times, time_zone)
                    VALUES ($1, $2, $3, $4, '2024-05-20T10:00:00Z'::timestamptz + make_interval(secs => $5), '{}', 'Europe/Paris')
                    """, [.text(id), .text(ride), .text(status), .int(Int64(wait)), .int(Int64(i))])
            }
            for (car, position) in [(44, 1), (1, 2)] {
                _ = try admin.execute(
                    """
                    INSERT INTO session_leaderboard (session_id, driver_number, position, laps_completed, pit_count, retired, updated_at)
                    VALUES ($1, $2, $3, $4, 0, false, '2024-05-20T10:00:00Z')
                    """, [.text(id), .int(Int64(car)), .int(Int64(position)), .int(Int64(10 - position))])
            }
            _ = try admin.execute(
                """
                INSERT INTO parking_facilities (facility_id, name, capacity, occupied, free, unknown, alert_up_percent, alert_down_percent,
                  above_threshold, sensors_offline) VALUES ($1, $2, 100, $3, 100 - $3, 0, 90, 80, false, 0)
                """, [.text(id), .text("Garage \(id)"), .int(Int64(i))])
        }
        let reader = PGPool(url: QueryRole().url(from: ns.databaseURL), maxConnections: 2, logger: TestStack.logger)
        let app = buildQueryApplication(QueryService(pool: reader, readiness: { [:] }, metrics: { "" }), logger: TestStack.logger)
        do {
            try await app.test(.router) { client in
                var lines: [String: [JSONValue]] = [:]
                for (path, key) in [("/v1/parks", "parks"), ("/v1/sessions", "sessions"), ("/v1/facilities", "facilities")] {
                    var uri = path + "?limit=1"
                    for _ in 0..<10 {
                        let (status, body) = try await client.getChecked(uri)
                        #expect(status == .ok, "\(uri)")
                        lines[key, default: []] += body[key]?.arrayValue ?? []
                        guard body["truncated"] == .bool(true), let next = body["next_cursor"]?.stringValue else { break }
                        uri = path + "?limit=1&cursor=" + next
                    }
                }
                let byteOrder = ids.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
                #expect(lines["parks"]?.compactMap { $0["park_id"]?.stringValue } == byteOrder)
                #expect(lines["sessions"]?.compactMap { $0["session_id"]?.stringValue } == byteOrder)
                #expect(lines["facilities"]?.compactMap { $0["facility_id"]?.stringValue } == byteOrder)
                // Park "b" (i = 0): r1 10 and r2 21 operating, mean 15.5; r3 closed.
                let b = lines["parks"]?.first { $0["park_id"] == .string("b") }
                #expect(b?["attractions"] == .int(3) && b?["operating"] == .int(2) && b?["mean_wait_minutes"]?.doubleValue == 15.5)
                #expect(b?["time_zone"] == .string("Europe/Paris") && b?["observed_at"] == .string("2024-05-20T10:00:00Z"))
                let session = lines["sessions"]?.first
                #expect(session?["cars"] == .int(2) && session?["laps"] == .int(9) && session?["leader"] == .int(44))
                let garage = lines["facilities"]?.first { $0["facility_id"] == .string("a") }
                #expect(garage?["name"] == .string("Garage a") && garage?["occupied"] == .int(1) && garage?["free"] == .int(99))
            }
        } catch {
            await reader.close()
            throw error
        }
        await reader.close()
    }
}
