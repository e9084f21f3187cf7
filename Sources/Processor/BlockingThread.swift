import Foundation

/// Runs blocking work (librdkafka polls, libpq calls) on a dedicated OS thread and awaits it without
/// occupying a thread of Swift's cooperative pool.
public enum BlockingThread {
    public static func run<T: Sendable>(name: String, _ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let thread = Thread {
                do { continuation.resume(returning: try body()) } catch { continuation.resume(throwing: error) }
            }
            thread.name = name
            thread.stackSize = 4 << 20
            thread.start()
        }
    }
}
