import Foundation

/// The `turnstile` binary run as a child process, to be killed like a real deployment's processes are.
public final class ProcessorProcess {
    public let process = Process()
    public let logPath: String

    public static var binary: String {
        TestStack.environment["TURNSTILE_BIN"] ?? TestStack.repository + "/.build/debug/turnstile"
    }

    /// `turnstile process` for the namespace (its topics, its group prefix) with `extraArguments`.
    public convenience init(ns: TestNamespace, name: String, extraArguments: [String] = []) throws {
        try self.init(
            ns: ns, name: name,
            arguments: ["process", "--topic-prefix", ns.topics.prefix, "--group-prefix", "t\(ns.id)", "--max-batch", "500"] + extraArguments)
    }

    /// `turnstile replay PROJECTION` for the namespace, with `extraArguments`.
    public static func replay(ns: TestNamespace, name: String, projection: String, extraArguments: [String] = []) throws -> ProcessorProcess {
        try ProcessorProcess(
            ns: ns, name: name, arguments: ["replay", projection, "--topic-prefix", ns.topics.prefix, "--progress", "none"] + extraArguments)
    }

    /// The binary with exactly `arguments`, against the namespace's database and the test broker.
    public init(ns: TestNamespace, name: String, arguments: [String]) throws {
        guard FileManager.default.isExecutableFile(atPath: Self.binary) else {
            throw ProcessorBinaryMissing(path: Self.binary)
        }
        logPath = NSTemporaryDirectory() + "turnstile-\(ns.id)-\(name).log"
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["DATABASE_URL"] = ns.databaseURL
        env["KAFKA_CONFIG_SESSION_TIMEOUT_MS"] = "6000"
        process.environment = env
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle(forWritingAtPath: logPath)
        try process.run()
    }

    /// SIGSTOP: frozen where it is (for a look before `kill9`).
    public func stop() {
        kill(process.processIdentifier, SIGSTOP)
    }

    public func kill9() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// SIGTERM, then waits; returns the exit status.
    public func terminate() -> Int32 {
        process.terminate()
        process.waitUntilExit()
        return process.terminationStatus
    }

    public var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }
}

public struct ProcessorBinaryMissing: Error, CustomStringConvertible {
    var path: String
    public var description: String { "no turnstile binary at \(path): build it first (swift build), or set TURNSTILE_BIN" }
}
