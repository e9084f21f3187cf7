import Events
import Foundation
import Postgres
import Processor
import Testing
import TestSupport

/// The dashboard in a real browser: headless Chromium (Debian's) loads the page that `turnstile serve --process`
/// serves, against a stack the simulators fed (a park, a race, a garage), and what it renders is checked against
/// the API's answers; then a wait-time event is published and the page shows it without a reload, through the live
/// stream. Also: no console error or uncaught exception, and no sideways scrolling on a phone's width.
/// `ops/test` runs it after the rest of the suite, on its own: beside the whole suite, its serve and processors and
/// the suite's own stream hubs slowed each other past their time limits (LiveStreamTests' hubs waited over 60 s).
@Suite("DashboardBrowserTests", .enabled(if: TestStack.enabled))
struct DashboardBrowserTests {
    static let loaded = #"document.getElementById("view").dataset.loaded === "true""#
    /// What the page reads; the others (telemetry, weather, forecasts) would only load the shared broker: the full
    /// suite runs beside this test.
    static let projections = ["parks_wait_times", "parks_crowd", "motorsport_session", "motorsport_commentary", "parking_occupancy"]

    /// Runs the `turnstile` binary to its end (reaped by polling: `waitUntilExit` spins on Linux).
    static func run(_ ns: TestNamespace, _ arguments: [String]) async throws {
        let child = try ProcessorProcess(ns: ns, name: arguments[1], arguments: arguments + ["--topic-prefix", ns.topics.prefix])
        let deadline = Date().addingTimeInterval(120)
        while child.process.isRunning, Date() < deadline { try await Task.sleep(for: .milliseconds(100)) }
        #expect(!child.process.isRunning && child.process.terminationStatus == 0, "turnstile \(arguments.joined(separator: " ")): \(child.log.suffix(2_000))")
    }

    /// The page's own `fetch` of an API path (same origin), as JSON.
    static func api(_ browser: BrowserSession, _ path: String) async throws -> JSONValue {
        try await browser.evaluate("fetch(\(JSONValue.string(path).jsonString), {cache: 'no-store'}).then(r => r.json())")
    }

    @Test(.timeLimit(.minutes(6))) func thePageShowsWhatTheAPIAnswersAndUpdatesLive() async throws {
        try #require(BrowserSession.python != nil, "no chromium or websocket-client: run ops/install")
        let ns = try TestNamespace.make()
        defer { ns.drop() }
        try await Self.run(ns, ["simulate", "parks", "--seed", "5", "--events", "1200", "--parks", "1", "--attractions", "6"])
        try await Self.run(ns, ["simulate", "race", "--seed", "5", "--session", "browser-race", "--cars", "6", "--laps", "4"])
        try await Self.run(ns, ["simulate", "garage", "--seed", "5", "--facilities", "1", "--hours", "3", "--start", "2024-05-20"])

        let port = try LoopbackSocket.freePort()
        let serve = try ProcessorProcess(ns: ns, name: "serve", arguments: [
            "serve", "--process", "--port", "\(port)", "--topic-prefix", ns.topics.prefix, "--group-prefix", "t\(ns.id)",
            "--query-database-url", QueryRole().url(from: ns.databaseURL),
        ] + Self.projections.flatMap { ["--projection", $0] })
        defer { serve.kill9() }
        let browser = try BrowserSession()
        defer { browser.close() }
        let origin = "http://127.0.0.1:\(port)"

        // Until the processors have folded what the simulators produced: the race's last lap, the park's
        // attractions, the garage; then until two looks a second apart agree (nothing left in flight).
        var opened = false
        for _ in 0..<60 where !opened {
            opened = (try? await browser.open(origin + "/")) != nil
            if !opened { try await Task.sleep(for: .seconds(1)) }
        }
        try #require(opened, "turnstile serve did not answer: \(serve.log.suffix(2_000))")
        try await browser.wait("""
            Promise.all(["/v1/sessions", "/v1/parks", "/v1/facilities"].map(p => fetch(p, {cache: "no-store"}).then(r => r.json()))).then(([s, p, f]) =>
              s.sessions.some(x => x.session_id === "browser-race" && x.laps === 4) && p.parks.length === 1 && p.parks[0].attractions === 6
              && f.facilities.length === 1)
            """, timeoutSeconds: 120)
        var settled: JSONValue = .null
        for _ in 0..<30 {
            let now = JSONValue.array([
                try await Self.api(browser, "/v1/parks"), try await Self.api(browser, "/v1/sessions/browser-race/leaderboard"),
                try await Self.api(browser, "/v1/facilities"),
            ])
            if now == settled { break }
            settled = now
            try await Task.sleep(for: .seconds(1))
        }
        let park = try #require(settled.arrayValue?[0]["parks"]?.arrayValue?.first?["park_id"]?.stringValue)

        // The park: every attraction's wait as the API gives it.
        try await browser.open(origin + "/#/parks/\(park)")
        try await browser.wait(Self.loaded)
        let waits = try await Self.api(browser, "/v1/parks/\(park)/waits")
        let shown = try await browser.evaluate("""
            Object.fromEntries([...document.querySelectorAll("tr[data-attraction]")].map(r => [r.dataset.attraction, r.querySelector(".now").textContent]))
            """)
        let attractions = try #require(waits["attractions"]?.arrayValue)
        #expect(shown.objectValue?.count == attractions.count)
        for a in attractions {
            let id = try #require(a["attraction_id"]?.stringValue)
            let minutes = a["status"] == .string("OPERATING") ? a["wait_minutes"]?.int64Value : nil
            #expect(shown[id] == .string(minutes.map { "\($0) min" } ?? "—"), "\(id): page \(String(describing: shown[id])), API \(a)")
        }
        // Live: a new observation of one attraction reaches the page through the stream, no reload.
        try await browser.wait(#"document.getElementById("live").dataset.state === "on""#)
        let target = try #require(attractions.first { $0["status"] == .string("OPERATING") })
        let id = try #require(target["attraction_id"]?.stringValue)
        let observed = try #require(target["observed_at"]?.stringValue.flatMap(Timestamp.init(iso8601:)))
        let event = JSONValue.object([
            ("type", .string("parks.wait_time.observed")), ("schema_version", .int(1)),
            ("event_time", .string(observed.adding(seconds: 300).iso8601)),
            ("payload", .object([("park_id", .string(park)), ("attraction_id", .string(id)), ("wait_minutes", .int(97)), ("status", .string("OPERATING"))])),
        ])
        let posted = try await browser.evaluate("""
            fetch("/v1/events", {method: "POST", headers: {"Content-Type": "application/x-ndjson"}, body: \(JSONValue.string(event.jsonString).jsonString)}).then(r => r.status)
            """)
        #expect(posted.int64Value == 200 || posted.int64Value == 202, "POST /v1/events answered \(String(describing: posted))")
        try await browser.wait("""
            document.querySelector('tr[data-attraction=\(JSONValue.string(id).jsonString)] .now')?.textContent === "97 min"
            """, timeoutSeconds: 60)
        let after = try await Self.api(browser, "/v1/parks/\(park)/waits")
        #expect(after["attractions"]?.arrayValue?.first { $0["attraction_id"] == .string(id) }?["wait_minutes"] == .int(97))

        // The race: the leaderboard's cars in the API's order, with their laps; its events and commentary listed.
        try await browser.open(origin + "/#/sessions/browser-race")
        try await browser.wait(Self.loaded)
        let board = try await Self.api(browser, "/v1/sessions/browser-race/leaderboard")
        let rows = try await browser.evaluate("""
            [...document.querySelectorAll(".leaderboard tbody tr")].map(r => [Number(r.dataset.car), Number(r.children[2].textContent)])
            """)
        let expected = (board["drivers"]?.arrayValue ?? []).map { JSONValue.array([$0["driver_number"] ?? .null, $0["laps_completed"] ?? .null]) }
        #expect(!expected.isEmpty && rows == .array(expected), "page \(String(describing: rows)), API \(expected)")
        let feeds = try await browser.evaluate(##"[document.querySelectorAll("#race-events li.event").length, document.querySelectorAll("#commentary li.line").length]"##)
        #expect((feeds.arrayValue?[0].int64Value ?? 0) > 0 && (feeds.arrayValue?[1].int64Value ?? 0) > 0, "race events and commentary: \(String(describing: feeds))")

        // The garage: one bar per level the API reports, the total as the API counts it.
        let facility = try #require(settled.arrayValue?[2]["facilities"]?.arrayValue?.first?["facility_id"]?.stringValue)
        try await browser.open(origin + "/#/facilities/\(facility)")
        try await browser.wait(Self.loaded)
        let occupancy = try await Self.api(browser, "/v1/facilities/\(facility)/occupancy")
        let levels = try await browser.evaluate(#"[...document.querySelectorAll(".level[data-level]")].map(l => l.dataset.level)"#)
        let apiLevels = (occupancy["areas"]?.arrayValue ?? []).filter { $0["scope"] == .string("level") }.map { $0["level"] ?? .null }
        #expect(!apiLevels.isEmpty && levels == .array(apiLevels))
        let total = try await browser.evaluate(#"document.querySelector(".level.total .level-head span").textContent"#)
        #expect(total == .string("\(occupancy["occupied"]?.int64Value ?? -1) / \(occupancy["capacity"]?.int64Value ?? -1)"))

        // A phone: the park fits its width.
        try await browser.open(origin + "/#/parks/\(park)", width: 390, height: 844, mobile: true)
        try await browser.wait(Self.loaded)
        let widths = try await browser.evaluate("[document.documentElement.scrollWidth, innerWidth]")
        #expect(widths.arrayValue?.count == 2 && widths.arrayValue?[0] == widths.arrayValue?[1], "the page scrolls sideways on a phone: \(String(describing: widths))")

        // A 404 of an API read is an answer the page handles (a park without a crowd forecast yet); Chromium logs it
        // as a failed load all the same. Anything else (a script error, a file of the page missing) is a problem.
        let problems = try await browser.problems().filter { !($0.contains("status of 404") && $0.contains("\(origin)/v1/")) }
        #expect(problems.isEmpty, "the page's console: \(problems)")
    }
}
