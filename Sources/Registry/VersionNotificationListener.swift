import Foundation
import Logging
import Postgres
import Synchronization

/// Listens, on a thread of its own, for the notifications of one channel (a promotion's `NOTIFY
/// turnstile_projection_versions`, a model registry change's `turnstile_models`), and raises a flag the watcher
/// takes. Reconnects after losing its connection; the watcher's periodic refresh covers any notification missed
/// meanwhile.
final class VersionNotificationListener: Sendable {
    private let pending = Atomic<Bool>(false)
    private let stopped = Atomic<Bool>(false)

    init(databaseURL: String, channel: String, logger: Logger) {
        let thread = Thread { [self] in
            while !stopped.load(ordering: .relaxed) {
                do {
                    let session = try PGSession.connect(url: databaseURL, logger: logger)
                    defer { session.close() }
                    _ = try session.execute("LISTEN \(PGSession.quoteIdentifier(channel))")
                    // Anything promoted before LISTEN took effect is read by the first refresh.
                    pending.store(true, ordering: .relaxed)
                    while !stopped.load(ordering: .relaxed) {
                        if !(try session.waitForNotifications(timeoutMs: 200)).isEmpty { pending.store(true, ordering: .relaxed) }
                    }
                } catch {
                    logger.warning("not listening for notifications; retrying", metadata: ["channel": "\(channel)", "error": "\(error)"])
                    Thread.sleep(forTimeInterval: 1)
                }
            }
        }
        thread.name = "versions-listen"
        thread.start()
    }

    /// Whether a promotion was announced since the last call.
    func takePending() -> Bool { pending.exchange(false, ordering: .relaxed) }

    func stop() { stopped.store(true, ordering: .relaxed) }
}
