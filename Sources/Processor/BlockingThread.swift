import Foundation

/// Runs blocking work (librdkafka polls, libpq calls) on a dedicated OS thread and awaits it without
/// occupying a thread of Swift's cooperative pool.
public enum BlockingThread {
    public static func run<T: Sendable>(name: String, _ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let thread = Thread {
                nameCurrentThread(name)
                do { continuation.resume(returning: try body()) } catch { continuation.resume(throwing: error) }
            }
            thread.stackSize = 4 << 20
            thread.start()
        }
    }
}

/// Names the calling OS thread, for `top -H`, perf and debuggers. On Linux, Foundation's `Thread.name` set
/// before `start()` does not reliably reach the OS thread, and a name over 15 bytes is refused outright.
func nameCurrentThread(_ name: String) {
    Thread.current.name = String(decoding: name.utf8.prefix(15), as: UTF8.self)
}
