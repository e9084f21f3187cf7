import ArgumentParser
import Events
import Forecasting
import Foundation
import Postgres
import Processor
import Registry
import Training

struct ModelsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models", abstract: "The forecast model registry: list, show, activate and retire trained models.",
        subcommands: [List.self, Show.self, Activate.self, Retire.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the registered models, newest first, with their holdout MAE per horizon.")

        @OptionGroup var global: GlobalOptions
        @Option(help: "Only models of this kind (parks_wait_times).") var kind: String?
        @Flag(help: "One JSON object per model, one per line (for scripts).") var json = false

        func run() async throws {
            let logger = try global.bootstrap(label: "turnstile.models")
            let session = try PGSession.connect(url: try global.database(), logger: logger)
            defer { session.close() }
            let models = try ModelRegistry().list(kind: kind, session: session)
            if json {
                for m in models { print(ModelReport.json(m)) }
            } else if models.isEmpty {
                print("no models yet: train one with `turnstile train parks`")
            } else {
                print(ModelReport.list(models))
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one model: its window, features and scores per horizon.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The model's version.") var version: Int
        @Flag(help: "As one JSON object.") var json = false

        func run() async throws {
            let logger = try global.bootstrap(label: "turnstile.models")
            let session = try PGSession.connect(url: try global.database(), logger: logger)
            defer { session.close() }
            guard let model = try ModelRegistry().find(version, session: session) else {
                throw ValidationError("there is no model \(version): see `turnstile models list`")
            }
            print(json ? ModelReport.json(model) : ModelReport.show(model))
        }
    }

    struct Activate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a model the one processors serve, if it beats the active model on the same holdout.",
            discussion: """
                Both models are scored again on the candidate's held-out days, as they are now in wait_times, and the \
                candidate becomes active only with the lower mean MAE over the horizons (--force skips the comparison, \
                to roll back to a model on purpose). Processors load it without a restart.
                """)

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The model's version.") var version: Int
        @Flag(help: "Activate without comparing with the active model.") var force = false

        func run() async throws {
            let logger = try global.bootstrap(label: "turnstile.models")
            let url = try global.database()
            let version = self.version, force = self.force
            let outcome: String = try await BlockingThread.run(name: "models") {
                let session = try PGSession.connect(url: url, logger: logger)
                defer { session.close() }
                let registry = ModelRegistry()
                guard let candidate = try registry.find(version, session: session) else {
                    throw ValidationError("there is no model \(version): see `turnstile models list`")
                }
                if candidate.status == .active { return "model \(version) is already active" }
                let active = try registry.served(kind: candidate.kind, session: session).active
                if !force, let active {
                    let candidateModel = try WaitForecastModel(bundle: candidate.model)
                    let versions = try ProjectionVersions().list(known: ProjectionRegistry.names, session: session)
                    let scoring = WaitModelTraining(
                        settings: .init(), reader: WaitHistoryReader(tables: ProjectionRegistry.directory(versions)),
                        trainer: LightGBMTrainer(python: ""))
                    var models = [(version: version, model: candidateModel)]
                    if let activeModel = try? WaitForecastModel(bundle: active.model) { models.append((active.version, activeModel)) }
                    let scores = try scoring.evaluate(
                        models, split: candidate.holdoutFrom.microseconds, to: candidate.holdoutTo.microseconds, session: session)
                    let decision = ModelActivationRule.decide(
                        candidate: scores[version]!, active: scores[active.version], activeVersion: scores[active.version] == nil ? nil : active.version)
                    if case .refuse(let reason) = decision {
                        throw ValidationError("model \(version) is not activated: \(reason) (--force activates it anyway)")
                    }
                }
                try registry.activate(version, session: session)
                return "model \(version) is active" + (active.map { "; model \($0.version) retired" } ?? "")
            }
            print(outcome)
        }
    }

    struct Retire: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Retire a model. Retiring the active one leaves its kind to the fallback chain (the previous model, then the baselines).")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The model's version.") var version: Int

        func run() async throws {
            let logger = try global.bootstrap(label: "turnstile.models")
            let session = try PGSession.connect(url: try global.database(), logger: logger)
            defer { session.close() }
            try ModelRegistry().retire(version, session: session)
            print("model \(version) is retired")
        }
    }
}
