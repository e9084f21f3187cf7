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
}
