import Events
import Foundation

/// Headless Chromium, driven through `ops/browser.py` (the DevTools protocol): one JSON command a line to it, one
/// JSON answer a line back. The browser test's real client of the dashboard; `ops/screenshot` uses the same driver.
///
/// `@unchecked Sendable`: a test awaits each command's answer before it sends the next, so the pipes and the read
/// buffer are only ever used by the one thread of the command in flight.
public final class BrowserSession: @unchecked Sendable {
    let process = Process()
    let input = Pipe()
    let output = Pipe()
    private var buffered: [UInt8] = []

    /// Chromium and the driver's Python package, as `ops/install` installs them; nil when either is missing.
    public static var python: String? {
        let python = TestStack.repository + "/.tools/venv/bin/python"
        let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].contains { FileManager.default.isExecutableFile(atPath: $0) }
        guard chromium, FileManager.default.isExecutableFile(atPath: python) else { return nil }
        return python
    }

    public init() throws {
        guard let python = Self.python else { throw BrowserMissing() }
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [TestStack.repository + "/ops/browser.py"]
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    /// Sends `command` (`cmd` plus its fields) and returns the answer; an answer with `ok: false` throws.
    /// Blocking pipe I/O runs on a thread of its own, never on the cooperative pool.
    @discardableResult
    public func send(_ command: [String: JSONValue]) async throws -> JSONValue {
        let text = JSONValue.object(command.map { ($0.key, $0.value) }).jsonString
        let line = Array(text.utf8) + [UInt8(ascii: "\n")]
        let answer: [UInt8] = try await withCheckedThrowingContinuation { continuation in
            let thread = Thread { [self] in
                do {
                    try input.fileHandleForWriting.write(contentsOf: line)
                    continuation.resume(returning: try readLine())
                } catch {
                    continuation.resume(throwing: error)
                }
            }
            thread.start()
        }
        let value = try JSONParser.parse(answer)
        guard value["ok"] == .bool(true) else {
            throw BrowserCommandFailed(command: text, error: value["error"]?.stringValue ?? "?")
        }
        return value
    }

    private func readLine() throws -> [UInt8] {
        while true {
            if let newline = buffered.firstIndex(of: UInt8(ascii: "\n")) {
                let line = Array(buffered[..<newline])
                buffered.removeFirst(newline + 1)
                return line
            }
            let chunk = output.fileHandleForReading.availableData
            guard !chunk.isEmpty else { throw BrowserCommandFailed(command: "read", error: "the driver ended") }
            buffered += chunk
        }
    }

    /// Loads `url` in a viewport of that size and waits for the page's load event.
    public func open(_ url: String, width: Int = 1440, height: Int = 900, mobile: Bool = false) async throws {
        try await send(["cmd": .string("open"), "url": .string(url), "width": .int(Int64(width)), "height": .int(Int64(height)), "mobile": .bool(mobile)])
    }

    /// Waits until `js` is truthy in the page; returns its value.
    @discardableResult
    public func wait(_ js: String, timeoutSeconds: Int = 30) async throws -> JSONValue {
        try await send(["cmd": .string("wait"), "js": .string(js), "timeout": .int(Int64(timeoutSeconds))])["value"] ?? .null
    }

    public func evaluate(_ js: String) async throws -> JSONValue {
        try await send(["cmd": .string("eval"), "js": .string(js)])["value"] ?? .null
    }

    /// Console errors and uncaught exceptions the page had so far.
    public func problems() async throws -> [String] {
        (try await send(["cmd": .string("problems")])["value"]?.arrayValue ?? []).compactMap(\.stringValue)
    }

    public func close() {
        try? input.fileHandleForWriting.close()
        process.terminate()
    }
}

public struct BrowserMissing: Error, CustomStringConvertible {
    public var description: String { "no chromium or no websocket-client in .tools/venv: run ops/install" }
}

public struct BrowserCommandFailed: Error, CustomStringConvertible {
    public var command: String
    public var error: String
    public var description: String { "browser: \(command) failed: \(error)" }
}
