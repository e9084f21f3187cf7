import Foundation
import Synchronization

/// A stream client of `GET /v1/stream` that is a real HTTP client: `curl -sN` (what README shows), its output
/// parsed as it arrives. It can be frozen (SIGSTOP: it stops reading, as a stalled client does) and thawed.
public final class StreamClientProcess: Sendable {
    private let process: Process
    private let parser = Mutex(ServerSentEventParser())
    private let finished = Atomic<Bool>(false)

    /// Connects to `url`, with `lastEventID` as the `Last-Event-ID` header when given.
    public init(url: String, lastEventID: String? = nil) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        var arguments = ["curl", "-sN", "--no-buffer", "-H", "Accept: text/event-stream"]
        if let lastEventID { arguments += ["-H", "Last-Event-ID: \(lastEventID)"] }
        arguments.append(url)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        self.process = process
        let handle = pipe.fileHandleForReading
        try process.run()
        let thread = Thread { self.read(handle) }
        thread.start()
    }

    private func read(_ handle: FileHandle) {
        while true {
            let data = handle.availableData
            if data.isEmpty { break }
            parser.withLock { $0.feed(data) }
        }
        finished.store(true, ordering: .relaxed)
    }

    deinit { close() }

    public var events: [ServerSentEventParser.Event] { parser.withLock { $0.events } }
    public var comments: [String] { parser.withLock { $0.comments } }
    /// The stream ended (the server closed it, or the client was closed).
    public var isFinished: Bool { finished.load(ordering: .relaxed) }

    /// Stops reading (SIGSTOP), as a stalled client does.
    public func freeze() { kill(process.processIdentifier, SIGSTOP) }
    public func thaw() { kill(process.processIdentifier, SIGCONT) }

    /// Kills the client (without `waitUntilExit`, which spins a cooperative thread on Linux).
    public func close() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
    }
}
