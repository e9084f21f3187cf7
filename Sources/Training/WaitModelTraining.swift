import Events
import Forecasting
import Foundation
import Postgres
import Projections

/// `turnstile train parks`: reads the wait-time history, makes feature rows per horizon with a time split,
/// fits the boosters in Python (`LightGBMTrainer`), then evaluates them here, in Swift, on the held-out days:
/// against both baselines, against the model active at the time (same rows), and against the library's own
/// predictions (parity to 1e-6, or the model is refused). Blocking: run it on a dedicated thread.
public struct WaitModelTraining: Sendable {
    public struct Settings: Sendable {
        /// Window of history (µs); nil: from the first reading, to the last.
        public var from: Int64?
        public var to: Int64?
        /// The last fraction of the window's days is held out.
        public var holdoutFraction = 0.2
        /// The last fraction of the training days stops the fit (early stopping).
        public var validationFraction = 0.1
        /// Every `stride`-th reading of an attraction becomes a row's moment.
        public var stride = 3
        public var parameters = LightGBMTrainer.Parameters()
        /// Where the dataset files go (a fresh temporary directory when nil); removed afterwards unless kept.
        public var workDirectory: String?
        public var keepFiles = false
        public init() {}
    }

    public enum Step: Sendable, Equatable {
        case reading(attractions: Int, of: Int, rows: Int)
        case fitting(LightGBMTrainer.Progress)
        case evaluating
    }

    public struct Result: Sendable {
        public var dumps: [Int: [UInt8]]
        public var model: WaitForecastModel
        public var evaluation: WaitModelEvaluation
        public var from: Int64, to: Int64, split: Int64
        /// Rows per part, over all horizons.
        public var rows: [WaitTrainingSet.Part: Int]
        public var attractions: Int
        public var readSeconds: Double, fitSeconds: Double, totalSeconds: Double
        /// Largest |Swift − LightGBM| over every holdout prediction.
        public var parityMaxDifference: Double
        public var bundle: [UInt8] { WaitForecastModel.bundle(dumps) }
    }

    public let settings: Settings
    public let reader: WaitHistoryReader
    public let trainer: LightGBMTrainer

    public init(settings: Settings, reader: WaitHistoryReader, trainer: LightGBMTrainer) {
        self.settings = settings
        self.reader = reader
        self.trainer = trainer
    }

    static let day: Int64 = 86_400_000_000

    /// The window and its split points: the holdout starts on a UTC day boundary.
    public func window(session: PGSession) throws -> (from: Int64, to: Int64, validation: Int64, split: Int64) {
        guard let extent = try reader.extent(session: session) else {
            throw TrainingError.noHistory("wait_times is empty: ingest or simulate wait times first (turnstile simulate parks)")
        }
        let from = settings.from ?? extent.from, to = settings.to ?? (extent.to + 1)
        guard to > from else { throw TrainingError.noHistory("the window is empty") }
        let split = Self.floorDay(from + Int64(Double(to - from) * (1 - settings.holdoutFraction)))
        guard split > from, split < to else {
            throw TrainingError.noHistory("the window is too short to hold out whole days: give it at least a few days")
        }
        let validation = Self.floorDay(from + Int64(Double(split - from) * (1 - settings.validationFraction)))
        return (from, to, max(from, validation), split)
    }

    static func floorDay(_ t: Int64) -> Int64 { Timestamp.floorDivision(t, day) * day }

    public func run(incumbent: (version: Int, model: WaitForecastModel)?, session: PGSession, progress: (Step) -> Void) throws -> Result {
        let started = ContinuousClock.now
        let (from, to, validation, split) = try window(session: session)
        let directory = settings.workDirectory ?? (NSTemporaryDirectory() + "turnstile-train-\(UInt32.random(in: 0...UInt32.max))")
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { if !settings.keepFiles { try? FileManager.default.removeItem(atPath: directory) } }

        // Rows stream to one file per part and horizon; the holdout is also kept for the evaluation.
        let horizons = WaitFeatures.horizons
        var files = try RowFiles(directory: directory, horizons: horizons)
        var holdout = Array(repeating: HoldoutRows(), count: horizons.count)
        var rows: [WaitTrainingSet.Part: Int] = [:]
        let attractions = try reader.attractions(session: session)
        let calendars = try reader.calendars(attractions: attractions, session: session)
        let weather = try reader.weather(from: from, to: to + 3 * WeatherHours.hour, session: session)
        for (i, a) in attractions.enumerated() {
            let observations = try reader.observations(a, from: from, to: to, session: session)
            let set = WaitTrainingSet(
                calendar: calendars[a.parkID] ?? ParkCalendar(timeZone: a.timeZone), weather: weather[a.parkID], split: split,
                validationFrom: validation, stride: settings.stride)
            var failure: (any Error)?
            set.rows(observations) { row in
                rows[row.part, default: 0] += 1
                do { try files.append(row) } catch { failure = error }
                if row.part == .holdout { holdout[row.horizon].append(row) }
            }
            if let failure { throw failure }
            progress(.reading(attractions: i + 1, of: attractions.count, rows: rows.values.reduce(0, +)))
        }
        try files.close()
        guard rows[.train, default: 0] > 0, rows[.holdout, default: 0] > 0 else {
            throw TrainingError.noHistory("no training or no holdout rows in the window (\(rows[.train, default: 0]) and \(rows[.holdout, default: 0])): give a longer window")
        }
        let read = ContinuousClock.now

        let fitted = try trainer.fit(
            directory: directory, features: WaitFeatures.names, categorical: WaitFeatures.categorical, horizons: horizons,
            parameters: settings.parameters) { progress(.fitting($0)) }
        let fit = ContinuousClock.now

        progress(.evaluating)
        var dumps: [Int: [UInt8]] = [:]
        for (h, result) in fitted { dumps[h] = result.dump }
        let model: WaitForecastModel
        do { model = try WaitForecastModel(bundle: WaitForecastModel.bundle(dumps)) } catch { throw TrainingError.python("the model LightGBM wrote cannot be read: \(error)") }
        var accumulator = WaitModelEvaluation.Accumulator()
        var parity = 0.0
        for (h, horizon) in horizons.enumerated() {
            let library = fitted[horizon]!.predictions
            guard library.count == holdout[h].count else {
                throw TrainingError.io("LightGBM predicted \(library.count) holdout rows of \(holdout[h].count) at \(horizon) minutes")
            }
            let booster = model.boosters[horizon]!
            for j in 0..<holdout[h].count {
                let row = holdout[h].row(j)
                let raw = booster.predict(row)
                let difference = abs(raw - library[j])
                guard difference <= 1e-6 else { throw TrainingError.parity(horizon: horizon, difference: difference) }
                parity = max(parity, difference)
                accumulator.add(
                    horizon: horizon, row: row, actual: holdout[h].targets[j], model: max(0, raw),
                    incumbent: incumbent?.model.predict(row, horizon: horizon))
            }
        }
        func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }
        return Result(
            dumps: dumps, model: model, evaluation: accumulator.evaluation(incumbentVersion: incumbent?.version), from: from, to: to,
            split: split, rows: rows, attractions: attractions.count, readSeconds: seconds(read - started),
            fitSeconds: seconds(fit - read), totalSeconds: seconds(ContinuousClock.now - started), parityMaxDifference: parity)
    }

    /// Scores `models` on the holdout of [split, to), on the same rows: how `models activate` compares a
    /// candidate with the active model.
    public func evaluate(
        _ models: [(version: Int, model: WaitForecastModel)], split: Int64, to: Int64, session: PGSession
    ) throws -> [Int: WaitModelEvaluation] {
        var accumulators = Dictionary(uniqueKeysWithValues: models.map { ($0.version, WaitModelEvaluation.Accumulator()) })
        let attractions = try reader.attractions(session: session)
        let calendars = try reader.calendars(attractions: attractions, session: session)
        // The history before the holdout only feeds the baselines and the rows' recent past.
        let from = split - 370 * Self.day
        let weather = try reader.weather(from: split - Self.day, to: to + 3 * WeatherHours.hour, session: session)
        for a in attractions {
            let observations = try reader.observations(a, from: from, to: to, session: session)
            let set = WaitTrainingSet(
                calendar: calendars[a.parkID] ?? ParkCalendar(timeZone: a.timeZone), weather: weather[a.parkID], split: split,
                stride: settings.stride)
            set.rows(observations) { row in
                guard row.part == .holdout else { return }
                let horizon = WaitFeatures.horizons[row.horizon]
                for m in models {
                    guard let p = m.model.predict(row.features, horizon: horizon) else { continue }
                    accumulators[m.version]!.add(horizon: horizon, row: row.features, actual: row.target, model: p)
                }
            }
        }
        return accumulators.mapValues { $0.evaluation() }
    }
}

/// Holdout rows of one horizon, flat (a row per `WaitFeatures.names.count` values).
struct HoldoutRows {
    var values: [Double] = []
    var targets: [Double] = []
    var count: Int { targets.count }

    mutating func append(_ row: WaitTrainingSet.Row) {
        values.append(contentsOf: row.features)
        targets.append(row.target)
    }

    func row(_ j: Int) -> [Double] {
        let width = WaitFeatures.names.count
        return Array(values[(j * width)..<((j + 1) * width)])
    }
}

/// The dataset files the training script reads: float64 little-endian rows, the features then the target.
struct RowFiles {
    private var handles: [String: FileHandle] = [:]
    private var buffers: [String: [UInt8]] = [:]
    private let horizons: [Int]

    init(directory: String, horizons: [Int]) throws {
        self.horizons = horizons
        for part in WaitTrainingSet.Part.allCases {
            for h in horizons {
                let path = "\(directory)/\(part.name)_\(h).bin"
                guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
                    throw TrainingError.io("cannot create \(path)")
                }
                handles[Self.key(part, h)] = handle
                buffers[Self.key(part, h)] = []
            }
        }
    }

    static func key(_ part: WaitTrainingSet.Part, _ horizon: Int) -> String { "\(part.name)_\(horizon)" }

    mutating func append(_ row: WaitTrainingSet.Row) throws {
        let key = Self.key(row.part, horizons[row.horizon])
        var buffer = buffers[key]!
        buffers[key] = nil
        for v in row.features { Self.put(v, into: &buffer) }
        Self.put(row.target, into: &buffer)
        if buffer.count >= 1 << 20 {
            try handles[key]!.write(contentsOf: buffer)
            buffer.removeAll(keepingCapacity: true)
        }
        buffers[key] = buffer
    }

    static func put(_ v: Double, into buffer: inout [UInt8]) {
        withUnsafeBytes(of: v.bitPattern.littleEndian) { buffer.append(contentsOf: $0) }
    }

    mutating func close() throws {
        for (key, handle) in handles {
            if let buffer = buffers[key], !buffer.isEmpty { try handle.write(contentsOf: buffer) }
            try handle.close()
        }
        handles = [:]
    }
}
