import Events
import Forecasting
import Foundation
import Ingest
import Logging
import Postgres
import Processor
import Projections
import Registry
import Training

/// The forecast benchmark: a simulated history (a year of 5-minute readings for 50 attractions by default)
/// written into a scratch database's parks tables, then `turnstile train parks`' own path on it, timed; prints
/// the model's and both baselines' MAE and P90 per horizon on the held-out days, and the baselines' ratios
/// beside park.fan's published ones (persistence 2.46 → 7.58 minutes from 15 to 120 minutes ahead; an
/// hour-of-week profile about 8.0 at any lead).
struct ForecastBench {
    let baseURL: String
    let logger: Logger
    let days: Int
    let parks: Int
    let attractions: Int
    let seed: UInt64
    let python: String
    let say: (String, String) -> Void

    func run() async throws {
        let id = String(UUID().uuidString.prefix(6)).lowercased()
        let database = try ScratchDatabase(
            baseURL: baseURL, name: "turnstile_bench_\(id)", migrationsDirectory: defaultDirectory("projections/migrations"), logger: logger)
        defer { database.drop() }
        let (days, parks, attractions, seed, python, logger) = (days, parks, attractions, seed, python, logger)
        let written = try await BlockingThread.run(name: "bench-history") {
            let session = try PGSession.connect(url: database.url, logger: logger)
            defer { session.close() }
            return try Self.writeHistory(days: days, parks: parks, attractions: attractions, seed: seed, session: session)
        }
        say("history (simulated, \(days) days × \(parks * attractions) attractions)", "\(written) readings")

        let settings = { var s = WaitModelTraining.Settings(); s.parameters.seed = seed; return s }()
        let result = try await BlockingThread.run(name: "bench-train") {
            let session = try PGSession.connect(url: database.url, logger: logger)
            defer { session.close() }
            let training = WaitModelTraining(
                settings: settings, reader: WaitHistoryReader(tables: TablePlacement.live), trainer: LightGBMTrainer(python: python))
            return try training.run(incumbent: nil, session: session) { _ in }
        }
        say("rows (train / validation / holdout, all horizons)",
            "\(result.rows[.train, default: 0]) / \(result.rows[.validation, default: 0]) / \(result.rows[.holdout, default: 0])")
        say("training time (read + features, fit, total)",
            String(format: "%.1f s + %.1f s = %.1f s", result.readSeconds, result.fitSeconds, result.totalSeconds))
        say("Swift trees vs LightGBM, largest difference", "\(result.parityMaxDifference)")
        say("trees per horizon (early stopping)", WaitFeatures.horizons.map { String(result.model.boosters[$0]?.trees.count ?? 0) }.joined(separator: " / "))
        print("")
        print(ModelReport.evaluationTable(result.evaluation))
        print("")
        let e = result.evaluation
        if let p15 = e[15]?.persistence.mae, let p120 = e[120]?.persistence.mae, let s60 = e[60]?.seasonalNaive.mae {
            let profile = e.horizons.map(\.seasonalNaive.mae).reduce(0, +) / Double(e.horizons.count)
            say("persistence MAE 120 ÷ 15 min (park.fan: 7.58 ÷ 2.46 = 3.08)", String(format: "%.2f", p120 / p15))
            say("profile MAE ÷ persistence at 15 min (park.fan: 8.0 ÷ 2.46 = 3.25)", String(format: "%.2f", profile / p15))
            say("profile MAE ÷ persistence at 120 min (park.fan: 8.0 ÷ 7.58 = 1.06)", String(format: "%.2f", profile / p120))
            say("seasonal-naive MAE at 60 min", String(format: "%.2f", s60))
        }
        for h in e.horizons {
            say("model ÷ better baseline at \(h.minutes) min (bar at 60: ≤ 0.85)",
                String(format: "%.3f (beats both: %@)", h.ratioToBetterBaseline, h.beatsBothBaselines ? "yes" : "NO"))
        }
    }

    /// Writes the simulator's schedules, weather reports, attractions and readings into the parks tables, as the folds would
    /// (rows only: training reads nothing else). Returns the readings written.
    static func writeHistory(days: Int, parks: Int, attractions: Int, seed: UInt64, session: PGSession) throws -> Int {
        let simulator = ParkSimulator(.init(seed: seed, parks: parks, attractionsPerPark: attractions, weather: true))
        let end = simulator.configuration.start.adding(seconds: Int64(days) * 86_400)
        var readings = [UInt8](), weather = [UInt8](), count = 0, pending = 0
        var zones: [String: String] = [:], attractionsSeen: Set<String> = []
        func flush() throws {
            guard pending > 0 else { return }
            try session.copyIn("COPY wait_times (time, park_id, attraction_id, wait_minutes, status) FROM STDIN", data: readings)
            readings.removeAll(keepingCapacity: true)
            pending = 0
        }
        for envelope in simulator {
            guard envelope.eventTime < end else { break }
            if envelope.type == ParkScheduleUpdated.eventType {
                let s = try envelope.decode(ParkScheduleUpdated.self)
                zones[s.parkID] = s.timeZone
                _ = try session.execute(
                    "INSERT INTO park_schedules (park_id, date, opens_at, closes_at, time_zone) VALUES ($1, $2::date, $3, $4, $5)",
                    [.text(s.parkID), .text(s.date), .timestamp(s.opensAt.microseconds), .timestamp(s.closesAt.microseconds),
                     s.timeZone.map(PGValue.text) ?? .null])
                continue
            }
            if envelope.type == ParkWeatherHour.eventType {
                let w = try envelope.decode(ParkWeatherHour.self)
                let line = "\(w.hour.iso8601)\t\(w.parkID)\t\(envelope.eventTime.iso8601)\t\(w.temperatureC.map { String($0) } ?? "\\N")\t\(w.precipitationMM.map { String($0) } ?? "\\N")\n"
                weather.append(contentsOf: line.utf8)
                continue
            }
            guard envelope.type == WaitTimeObserved.eventType else { continue }
            let o = try envelope.decode(WaitTimeObserved.self)
            attractionsSeen.insert(o.parkID + "\t" + o.attractionID)
            let line = "\(envelope.eventTime.iso8601)\t\(o.parkID)\t\(o.attractionID)\t\(o.waitMinutes.map(String.init) ?? "\\N")\t\(o.status.rawValue)\n"
            readings.append(contentsOf: line.utf8)
            count += 1
            pending += 1
            if pending == 100_000 { try flush() }
        }
        try flush()
        try session.copyIn("COPY park_weather (hour, park_id, reported_at, temperature_c, precipitation_mm) FROM STDIN", data: weather)
        for key in attractionsSeen {
            let parts = key.split(separator: "\t").map(String.init)
            _ = try session.execute(
                "INSERT INTO attraction_current (park_id, attraction_id, time_zone, recent_times) VALUES ($1, $2, $3, '{}')",
                [.text(parts[0]), .text(parts[1]), zones[parts[0]].map(PGValue.text) ?? .null])
        }
        return count
    }
}
