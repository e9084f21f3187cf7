import Events
import Foundation

/// Fits one LightGBM booster per horizon by running `LightGBMScript` in the project's Python environment, on
/// a dataset directory that `WaitModelTraining` wrote. Blocking: call it from a dedicated thread.
public struct LightGBMTrainer: Sendable {
    public struct Parameters: Sendable, Equatable {
        public var seed: UInt64 = 1
        public var rounds = 600
        public var learningRate = 0.05
        public var numLeaves = 63
        public var minDataInLeaf = 200
        public var earlyStopping = 40
        /// LightGBM's objective name (`regression_l1` fits the median: the MAE's minimiser).
        public var objective = "regression_l1"
        /// Fixed, so that the same seed gives the same model on any machine with as many threads.
        public var threads = 2
        public init() {}
    }

    /// What the script reports while it fits.
    public enum Progress: Sendable, Equatable {
        case iteration(horizon: Int, iteration: Int, rounds: Int)
        case done(horizon: Int, iterations: Int, seconds: Double)
    }

    public let python: String

    public init(python: String) { self.python = python }

    /// Where the Python environment is: `explicit`, `$TURNSTILE_PYTHON`, `$TURNSTILE_TOOLS/venv`, or `.tools/venv`
    /// under the working directory.
    public static func locatePython(explicit: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(TrainingError) -> String
    {
        let candidates = [explicit, environment["TURNSTILE_PYTHON"], environment["TURNSTILE_TOOLS"].map { $0 + "/venv/bin/python" },
                          FileManager.default.currentDirectoryPath + "/.tools/venv/bin/python"].compactMap { $0 }
        if let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) { return found }
        throw TrainingError.noPython(tried: candidates)
    }

    /// Runs the script on `directory`; returns each horizon's dump and the library's holdout predictions.
    public func fit(
        directory: String, features: [String], categorical: [Int], horizons: [Int], parameters: Parameters,
        progress: (Progress) -> Void
    ) throws(TrainingError) -> [Int: (dump: [UInt8], predictions: [Double])] {
        var meta = JSONWriter()
        meta.beginObject()
        meta.key("features"); meta.beginArray(); for f in features { meta.string(f) }; meta.endArray()
        meta.key("categorical"); meta.beginArray(); for c in categorical { meta.int(c) }; meta.endArray()
        meta.key("horizons"); meta.beginArray(); for h in horizons { meta.int(h) }; meta.endArray()
        meta.key("seed"); meta.int(Int64(parameters.seed % UInt64(Int32.max)))
        meta.key("rounds"); meta.int(parameters.rounds)
        meta.key("learning_rate"); meta.double(parameters.learningRate)
        meta.key("num_leaves"); meta.int(parameters.numLeaves)
        meta.key("min_data_in_leaf"); meta.int(parameters.minDataInLeaf)
        meta.key("early_stopping"); meta.int(parameters.earlyStopping)
        meta.key("objective"); meta.string(parameters.objective)
        meta.key("threads"); meta.int(parameters.threads)
        meta.endObject()
        let script = directory + "/train.py", stderrPath = directory + "/train.stderr"
        guard FileManager.default.createFile(atPath: directory + "/meta.json", contents: Data(meta.bytes)),
              FileManager.default.createFile(atPath: script, contents: Data(LightGBMScript.source.utf8)),
              FileManager.default.createFile(atPath: stderrPath, contents: nil),
              let errors = FileHandle(forWritingAtPath: stderrPath)
        else { throw TrainingError.io("cannot write the training files in \(directory)") }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script, directory]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = errors
        do { try process.run() } catch { throw TrainingError.python("could not start \(python): \(error)") }
        // Progress lines as they come; the pipe closes when the script exits.
        var pending = [UInt8]()
        let reader = output.fileHandleForReading
        while true {
            let chunk = reader.availableData
            if chunk.isEmpty { break }
            pending.append(contentsOf: chunk)
            while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = Array(pending[..<newline])
                pending.removeSubrange(...newline)
                if let report = Self.progress(line) { progress(report) }
            }
        }
        process.waitUntilExit()
        try? errors.close()
        guard process.terminationStatus == 0 else {
            let tail = (try? String(contentsOfFile: stderrPath, encoding: .utf8)).map { String($0.suffix(2_000)) } ?? ""
            throw TrainingError.python("the training script exited with status \(process.terminationStatus):\n\(tail)")
        }
        var results: [Int: (dump: [UInt8], predictions: [Double])] = [:]
        for h in horizons {
            guard let dump = FileManager.default.contents(atPath: "\(directory)/model_\(h).json"),
                  let raw = FileManager.default.contents(atPath: "\(directory)/predictions_\(h).bin")
            else { throw TrainingError.io("the training script left no model or predictions for \(h) minutes") }
            let predictions = raw.withUnsafeBytes { buffer in
                (0..<(buffer.count / 8)).map { Double(bitPattern: UInt64(littleEndian: buffer.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self))) }
            }
            results[h] = (Array(dump), predictions)
        }
        return results
    }

    static func progress(_ line: [UInt8]) -> Progress? {
        guard let v = try? JSONParser.parse(line), let horizon = v["horizon"]?.int64Value else { return nil }
        if v["done"]?.boolValue == true {
            return .done(horizon: Int(horizon), iterations: Int(v["iterations"]?.int64Value ?? 0), seconds: v["seconds"]?.doubleValue ?? 0)
        }
        guard let i = v["iteration"]?.int64Value, let r = v["rounds"]?.int64Value else { return nil }
        return .iteration(horizon: Int(horizon), iteration: Int(i), rounds: Int(r))
    }
}

/// Why a training could not finish, and what to do.
public enum TrainingError: Error, CustomStringConvertible, Equatable {
    case noPython(tried: [String])
    case python(String)
    case io(String)
    case noHistory(String)
    /// The Swift evaluation of the trees disagrees with the library's: the model is not registered.
    case parity(horizon: Int, difference: Double)

    public var description: String {
        switch self {
        case .noPython(let tried):
            "LightGBM's Python environment was not found (tried \(tried.joined(separator: ", "))): run ops/install, which installs it into .tools/venv, or pass --python"
        case .python(let message): "training failed: \(message)"
        case .io(let message): "training failed: \(message)"
        case .noHistory(let message): "nothing to train on: \(message)"
        case .parity(let horizon, let difference):
            "the trees evaluated in Swift differ from LightGBM's predictions by \(difference) at \(horizon) minutes (more than 1e-6): the model is not registered; report this as a bug with the model file"
        }
    }
}
