import ArgumentParser
import Events
import Foundation
import Hummingbird
import Logging
import Postgres
import Processor
import QueryService
import Registry
import ServiceLifecycle
import Synchronization

/// `turnstile bench --query`: the query service's latency at scale, measured with wrk (Debian's) at 64 connections
/// against a scratch database seeded with `liveKeys` live attractions (parks of 20) and `historyRows` rows of
/// wait-time history (1 000 attractions, 5-minute observations): p50/p99 and requests/s of current state
/// (a park's waits, its crowd level) and of a 24-hour history in 15-minute buckets, beside the HTTP floor (`/health`,
/// no database) in the same run. The server is the real read path (router, conditional-GET middleware, the
/// read-only role, a pool of `poolSize`) in this process; wrk runs beside it on the same cores.
struct QueryBench {
    let baseURL: String
    let logger: Logger
    let seconds: Int
    let connections: Int
    let liveKeys: Int
    let historyRows: Int
    let poolSize: Int
    /// Requests per second of the paced runs (each connection waits its share between requests), beside the
    /// saturated ones (every connection sends its next request as soon as it has an answer).
    let rate: Int
    let say: (String, String) -> Void

    static let attractionsPerPark = 20
    static let historyAttractions = 1_000
    static let observationsPerDay = 288

    struct Result {
        var p50Ms: Double
        var p99Ms: Double
        var requestsPerSecond: Double
        var failed: Int
    }

    func run() async throws {
        guard let wrkPath = Self.locate("wrk") else {
            throw ValidationError("wrk is not installed: run ops/install (Debian's wrk drives the query bench)")
        }
        let id = String(UUID().uuidString.prefix(6)).lowercased()
        let database = try ScratchDatabase(
            baseURL: baseURL, name: "turnstile_bench_q\(id)", migrationsDirectory: defaultDirectory("projections/migrations"), logger: logger)
        defer { database.drop() }
        // Blocking libpq and child-process calls run on threads of their own: the cooperative pool is the server's.
        let (url, liveKeys, historyRows, logger) = (database.url, liveKeys, historyRows, logger)
        let days = try await BlockingThread.run(name: "bench-seed") {
            try Self.seed(url, liveKeys: liveKeys, historyRows: historyRows, logger: logger)
        }

        let pool = PGPool(url: QueryRole().url(from: database.url), maxConnections: poolSize, logger: logger)
        let service = QueryService(pool: pool, readiness: { [:] }, metrics: { "" })
        let port = Mutex<Int?>(nil)
        // `serve`'s application (its middleware included) on a free port.
        let server = buildQueryApplication(
            service, host: "127.0.0.1", port: 0, logger: logger,
            onServerRunning: { channel in port.withLock { $0 = channel.localAddress?.port } })
        let group = ServiceGroup(configuration: .init(services: [.init(service: server)], logger: logger))
        let serving = Task { try await group.run() }
        while port.withLock({ $0 }) == nil { try await Task.sleep(for: .milliseconds(20)) }
        let wrk = Wrk(path: wrkPath, origin: "http://127.0.0.1:\(port.withLock { $0 }!)", connections: connections)
        func measure(_ paths: [String], seconds: Int, rate: Int? = nil) async throws -> Result {
            try await BlockingThread.run(name: "bench-wrk") { try wrk.run(paths, seconds: seconds, rate: rate) }
        }

        let parks = liveKeys / Self.attractionsPerPark
        var random = SystemRandomNumberGenerator()
        let waits = (0..<1_000).map { _ in "/v1/parks/p-\(Int.random(in: 0..<parks, using: &random))/waits" }
        let crowd = (0..<1_000).map { _ in "/v1/parks/p-\(Int.random(in: 0..<parks, using: &random))/crowd" }
        let end = Self.midnightToday()
        let history = (0..<1_000).map { _ -> String in
            let k = Int.random(in: 0..<Self.historyAttractions, using: &random)
            // Any quarter hour of the history, so a day straddles two daily chunks as often as not.
            let from = end - Int64(Int.random(in: 96..<(days * 96), using: &random)) * 900
            let (start, stop) = (Timestamp(microseconds: from * 1_000_000), Timestamp(microseconds: (from + 86_400) * 1_000_000))
            return "/v1/parks/p-\(k / Self.attractionsPerPark)/attractions/a-\(k)/history?from=\(start.iso8601)&to=\(stop.iso8601)&interval=15m"
        }
        print("wrk: \(connections) connections, \(seconds) s a run, pool of \(poolSize) database connections, paced runs at \(rate) req/s; warming up")
        _ = try await measure(history, seconds: min(5, seconds))
        _ = try await measure(waits, seconds: min(3, seconds))
        let floor = try await measure(["/health"], seconds: seconds)
        let current = try await measure(waits, seconds: seconds)
        let crowdNow = try await measure(crowd, seconds: seconds)
        let day = try await measure(history, seconds: seconds)
        let pacedFloor = try await measure(["/health"], seconds: seconds, rate: rate)
        let pacedCurrent = try await measure(waits, seconds: seconds, rate: rate)
        let pacedCrowd = try await measure(crowd, seconds: seconds, rate: rate)
        let pacedDay = try await measure(history, seconds: seconds, rate: min(rate, Int(day.requestsPerSecond / 2)))
        await group.triggerGracefulShutdown()
        _ = try? await serving.value
        await pool.close()

        func line(_ r: Result) -> String {
            let failures = r.failed > 0 ? "  (\(r.failed) answers not 2xx/3xx!)" : ""
            return String(format: "p50 %.2f ms  p99 %.2f ms  %.0f req/s", r.p50Ms, r.p99Ms, r.requestsPerSecond) + failures
        }
        say("query: HTTP floor GET /health (no database)", line(floor))
        say("query: current waits of a park (20 attractions)", line(current))
        say("query: current crowd level of a park", line(crowdNow))
        say("query: 24 h history, 15 min buckets (of \(String(format: "%.1f", Double(days * Self.historyAttractions * Self.observationsPerDay) / 1e6)) M rows)", line(day))
        say("query: paced, HTTP floor GET /health", line(pacedFloor))
        say("query: paced, current waits", line(pacedCurrent))
        say("query: paced, current crowd level", line(pacedCrowd))
        say("query: paced, 24 h history (at most half its saturated rate)", line(pacedDay))
        say("query: current waits req/s ÷ HTTP floor", String(format: "%.2f", current.requestsPerSecond / floor.requestsPerSecond))
        say("query: 24 h history req/s ÷ HTTP floor", String(format: "%.2f", day.requestsPerSecond / floor.requestsPerSecond))
        // Little's law: with every connection busy, the mean latency is connections ÷ throughput.
        say("query: mean latency at \(connections) connections = connections ÷ req/s (waits)",
            String(format: "%.2f ms", Double(connections) / current.requestsPerSecond * 1_000))
    }

    /// Seeds the live keys and the history; returns the days of history.
    static func seed(_ url: String, liveKeys: Int, historyRows: Int, logger: Logger) throws -> Int {
        let session = try PGSession.connect(url: url, logger: logger)
        defer { session.close() }
        let parks = liveKeys / Self.attractionsPerPark
        print("seeding \(liveKeys) live attractions in \(parks) parks, and their crowd levels")
        _ = try session.execute(
            """
            INSERT INTO attraction_current (park_id, attraction_id, attraction_name, time_zone, wait_minutes, status, observed_at,
                                            status_changed_at, recent_times)
            SELECT 'p-' || (k / \(Self.attractionsPerPark)), 'a-' || k, 'Attraction ' || k, 'Europe/Paris', (k * 7) % 90,
                   CASE WHEN k % 10 = 0 THEN 'CLOSED' ELSE 'OPERATING' END, now(), now() - interval '2 hours', '{}'
            FROM generate_series(0, \(liveKeys - 1)) k
            """)
        _ = try session.execute(
            """
            INSERT INTO park_crowd_current (park_id, level, ratio, level_since, updated_at, last_sample_at, attractions)
            SELECT 'p-' || p, 'moderate', 1.0, now() - interval '1 hour', now(), now(), '{}'::jsonb FROM generate_series(0, \(parks - 1)) p
            """)
        let perDay = Self.historyAttractions * Self.observationsPerDay
        let days = max(2, historyRows / perDay)
        let end = Self.midnightToday()
        let progress = TransferProgress(style: .bar, verb: "rows")
        print("seeding \(days * perDay) rows of history: \(Self.historyAttractions) attractions × \(days) days of 5-minute observations")
        for day in 0..<days {
            let from = end - Int64(days - day) * 86_400
            _ = try session.execute(
                """
                INSERT INTO wait_times (time, park_id, attraction_id, wait_minutes, status)
                SELECT t, 'p-' || (k / \(Self.attractionsPerPark)), 'a-' || k,
                       (k * 7 + extract(hour FROM t)::int * 5) % 90, 'OPERATING'
                FROM generate_series(to_timestamp(\(from)), to_timestamp(\(from + 86_400 - 300)), interval '5 minutes') t,
                     generate_series(0, \(Self.historyAttractions - 1)) k
                """)
            progress.show((day + 1) * perDay, days * perDay)
        }
        progress.done(days * perDay)
        _ = try session.execute("ANALYZE")
        return days
    }

    /// wrk against the server: one run over `paths` (each request picks one at random), saturated or paced at `rate`.
    struct Wrk: Sendable {
        let path: String
        let origin: String
        let connections: Int

        func run(_ paths: [String], seconds: Int, rate: Int? = nil) throws -> Result {
            let script = NSTemporaryDirectory() + "turnstile-bench-\(UUID().uuidString).lua"
            let list = paths.map { "\"\($0)\"" }.joined(separator: ",\n")
            try """
                local paths = {\(list)}
                math.randomseed(os.time())
                request = function() return wrk.format("GET", paths[math.random(#paths)]) end
                \(rate.map { "delay = function() return math.random(0, \(2 * connections * 1_000 / $0)) end" } ?? "")
                """.write(toFile: script, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(atPath: script) }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: path)
            process.arguments = ["-t2", "-c\(connections)", "-d\(seconds)s", "--latency", "-s", script, origin]
            let output = Pipe()
            process.standardOutput = output
            process.standardError = output
            try process.run()
            let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            guard process.terminationStatus == 0, let result = QueryBench.parse(text) else {
                throw ValidationError("wrk failed (exit \(process.terminationStatus)):\n\(text)")
            }
            return result
        }
    }

    /// wrk's `--latency` report: the 50% and 99% lines, Requests/sec, and non-2xx/3xx answers.
    static func parse(_ text: String) -> Result? {
        var p50: Double?
        var p99: Double?
        var rate: Double?
        var failed = 0
        for raw in text.split(separator: "\n") {
            let parts = raw.split(separator: " ", omittingEmptySubsequences: true)
            guard let first = parts.first else { continue }
            if first == "50%", parts.count > 1 { p50 = milliseconds(String(parts[1])) }
            if first == "99%", parts.count > 1 { p99 = milliseconds(String(parts[1])) }
            if first == "Requests/sec:", parts.count > 1 { rate = Double(parts[1]) }
            if raw.contains("Non-2xx or 3xx responses:"), let n = parts.last.flatMap({ Int($0) }) { failed = n }
        }
        guard let p50, let p99, let rate else { return nil }
        return Result(p50Ms: p50, p99Ms: p99, requestsPerSecond: rate, failed: failed)
    }

    /// "812.00us", "4.21ms", "1.02s" → milliseconds.
    static func milliseconds(_ text: String) -> Double? {
        for (unit, factor) in [("us", 0.001), ("ms", 1.0), ("s", 1_000.0)] where text.hasSuffix(unit) {
            return Double(text.dropLast(unit.count)).map { $0 * factor }
        }
        return nil
    }

    static func locate(_ tool: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(tool)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static func midnightToday() -> Int64 {
        let now = Int64(Date().timeIntervalSince1970)
        return now - now % 86_400
    }
}
