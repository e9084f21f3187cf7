import ArgumentParser
import Events
import Forecasting
import Foundation
import Postgres
import Processor
import Projections
import Registry
import Training

struct TrainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train", abstract: "Train forecast models from the projections' history.", subcommands: [Parks.self])

    struct Parks: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Train the wait-time model: each attraction's wait 15, 30, 60 and 120 minutes ahead.",
            discussion: """
                Reads the wait_times history, the park schedules, time zones and weather reports from the database (the projections' \
                active versions), makes feature rows with a time split (the last --holdout-fraction of the days is held \
                out), fits one LightGBM booster per horizon in the project's Python environment (ops/install), then \
                evaluates them here: MAE and P90 absolute error per horizon against persistence (the last observation) \
                and seasonal-naive (the hour-of-week median), and the trees evaluated in Swift must equal LightGBM's \
                predictions to 1e-6. The model is stored in the registry (turnstile models list) and becomes active \
                when it beats the active model on the same holdout, unless --no-activate. The same --seed and \
                window give the same model.
                """)

        @OptionGroup var global: GlobalOptions
        @Option(help: "Start of the history (ISO 8601; default: the first reading).") var from: String?
        @Option(help: "End of the history, exclusive (ISO 8601; default: after the last reading).") var to: String?
        @Option(help: "Seed of the fit.") var seed: UInt64 = 1
        @Option(help: "Fraction of the window's days held out for the evaluation.") var holdoutFraction = 0.2
        @Option(help: "Every Nth 5-minute reading of an attraction becomes a row's moment.") var stride = 3
        @Option(help: "Most boosting rounds per horizon (early stopping usually ends sooner).") var rounds = 600
        @Option(help: "LightGBM objective (regression_l1, regression, huber, poisson).") var objective = "regression_l1"
        @Option(help: "Python with LightGBM (default: $TURNSTILE_PYTHON, $TURNSTILE_TOOLS/venv or ./.tools/venv).") var python: String?
        @Option(help: "Keep the dataset files in this directory.") var keepFiles: String?
        @Flag(help: "Register the model as a candidate even when it beats the active one.") var noActivate = false
        @Flag(help: "Print the result as one JSON object.") var json = false
        @Option(help: "Progress display: bar, json, none.") var progress: ProgressStyle = .bar

        func validate() throws {
            if let from, Timestamp(iso8601: from) == nil { throw ValidationError("--from: '\(from)' is not an ISO 8601 time") }
            if let to, Timestamp(iso8601: to) == nil { throw ValidationError("--to: '\(to)' is not an ISO 8601 time") }
            guard holdoutFraction > 0, holdoutFraction < 1 else { throw ValidationError("--holdout-fraction must be between 0 and 1") }
            guard stride >= 1 else { throw ValidationError("--stride must be 1 or more") }
            guard rounds >= 1 else { throw ValidationError("--rounds must be 1 or more") }
        }

        func run() async throws {
            let logger = try global.bootstrap(label: "turnstile.train")
            let url = try global.database()
            var settings = WaitModelTraining.Settings()
            settings.from = from.flatMap { Timestamp(iso8601: $0)?.microseconds }
            settings.to = to.flatMap { Timestamp(iso8601: $0)?.microseconds }
            settings.holdoutFraction = holdoutFraction
            settings.stride = stride
            settings.parameters.seed = seed
            settings.parameters.rounds = rounds
            settings.parameters.objective = objective
            if let keepFiles {
                settings.workDirectory = keepFiles
                settings.keepFiles = true
            }
            let pythonPath = try LightGBMTrainer.locatePython(explicit: python)
            let output = TrainingProgressOutput(style: progress)
            let frozen = settings
            let (result, version, decision) = try await BlockingThread.run(name: "train") {
                let session = try PGSession.connect(url: url, logger: logger)
                defer { session.close() }
                let versions = try ProjectionVersions().list(known: ProjectionRegistry.names, session: session)
                let training = WaitModelTraining(
                    settings: frozen, reader: WaitHistoryReader(tables: ProjectionRegistry.directory(versions)),
                    trainer: LightGBMTrainer(python: pythonPath))
                let registry = ModelRegistry()
                let incumbent = try Self.incumbent(registry: registry, session: session)
                let result = try training.run(incumbent: incumbent, session: session) { output.show($0) }
                let version = try registry.register(
                    RegisteredModel(
                        version: 0, kind: RegisteredModel.parksWaitTimes, status: .candidate, createdAt: .now(),
                        trainFrom: Timestamp(microseconds: result.from), trainTo: Timestamp(microseconds: result.to),
                        holdoutFrom: Timestamp(microseconds: result.split), holdoutTo: Timestamp(microseconds: result.to),
                        seed: frozen.parameters.seed, features: WaitFeatures.names, metrics: result.evaluation.json,
                        trainingSeconds: result.totalSeconds, model: result.bundle),
                    session: session)
                let decision = ModelActivationRule.decide(trained: result.evaluation)
                if decision == .activate, !noActivate { try registry.activate(version, session: session) }
                return (result, version, decision)
            }
            let activated = decision == .activate && !noActivate
            if json {
                print(ModelReport.json(try await BlockingThread.run(name: "train") {
                    let session = try PGSession.connect(url: url, logger: logger)
                    defer { session.close() }
                    return try ModelRegistry().find(version, session: session)!
                }))
                return
            }
            print("""
                trained on \(result.attractions) attractions, \(Timestamp(microseconds: result.from)) … \(Timestamp(microseconds: result.split)); \
                held out \(Timestamp(microseconds: result.split)) … \(Timestamp(microseconds: result.to))
                rows: \(result.rows[.train, default: 0]) training, \(result.rows[.validation, default: 0]) validation, \(result.rows[.holdout, default: 0]) holdout (all horizons)
                time: \(String(format: "%.1f", result.totalSeconds)) s (reading and features \(String(format: "%.1f", result.readSeconds)) s, fitting \(String(format: "%.1f", result.fitSeconds)) s)
                Swift trees vs LightGBM on the holdout: largest difference \(result.parityMaxDifference)

                """)
            print(ModelReport.evaluationTable(result.evaluation))
            print("")
            switch (decision, activated) {
            case (.activate, true): print("model \(version) registered and active")
            case (.activate, false): print("model \(version) registered as a candidate (--no-activate): turnstile models activate \(version)")
            case (.refuse(let reason), _): print("model \(version) registered as a candidate, not activated: \(reason)")
            }
        }

        /// The active model, when this build can serve it (a model of other features cannot be compared).
        static func incumbent(registry: ModelRegistry, session: PGSession) throws -> (version: Int, model: WaitForecastModel)? {
            guard let active = try registry.served(kind: RegisteredModel.parksWaitTimes, session: session).active,
                  let model = try? WaitForecastModel(bundle: active.model) else { return nil }
            return (active.version, model)
        }
    }
}

/// Progress of a training: a bar over the attractions read, then over each horizon's boosting rounds.
final class TrainingProgressOutput: Sendable {
    let style: ProgressStyle
    private let terminal = isatty(2) == 1
    private let every = ManagedClock()

    init(style: ProgressStyle) { self.style = style }

    func show(_ step: WaitModelTraining.Step) {
        guard style != .none else { return }
        let final: Bool
        let line: String, json: String
        switch step {
        case .reading(let done, let total, let rows):
            final = done == total
            line = progressBar(done, total) + "  reading history: \(done) of \(total) attractions, \(rows) rows"
            json = "{\"phase\":\"reading\",\"attractions\":\(done),\"of\":\(total),\"rows\":\(rows)}"
        case .fitting(.iteration(let horizon, let iteration, let rounds)):
            final = false
            line = progressBar(iteration, rounds) + "  fitting \(horizon) min: round \(iteration) of at most \(rounds)"
            json = "{\"phase\":\"fitting\",\"horizon\":\(horizon),\"round\":\(iteration),\"rounds\":\(rounds)}"
        case .fitting(.done(let horizon, let iterations, let seconds)):
            final = true
            line = progressBar(1, 1) + "  fitted \(horizon) min: \(iterations) rounds in \(String(format: "%.1f", seconds)) s"
            json = "{\"phase\":\"fitted\",\"horizon\":\(horizon),\"rounds\":\(iterations),\"seconds\":\(seconds)}"
        case .evaluating:
            final = true
            line = "evaluating on the holdout (Swift trees, baselines, parity with LightGBM)"
            json = "{\"phase\":\"evaluating\"}"
        }
        guard final || every.due(every: style == .json || !terminal ? 2 : 0) else { return }
        if style == .json {
            FileHandle.standardOutput.write(Data((json + "\n").utf8))
        } else {
            FileHandle.standardError.write(Data((terminal ? "\r\u{1B}[2K" + line + (final ? "\n" : "") : line + "\n").utf8))
        }
    }
}
