import Foundation
import Logging
import Postgres
import Synchronization

/// Listens, on a thread of its own, for the notifications of one channel (a promotion's `NOTIFY
/// turnstile_projection_versions`, a model registry change's `turnstile_models`), and raises a flag the watcher
/// takes, handing each notification to `received` too (the live stream's projection changes). Reconnects after
/// losing its connection; the watcher's periodic refresh covers any notification missed meanwhile.
final class VersionNotificationListener: Sendable {
    private let pending = Atomic<Bool>(false)
    private let stopped = Atomic<Bool>(false)

    /// - Parameter received: called on the listening thread with each notification, as it comes.
    init(databaseURL: String, channel: String, logger: Logger, received: (@Sendable (PGNotification) -> Void)? = nil) {
        let thread = Thread { [self] in
            while !stopped.load(ordering: .relaxed) {
                do {
                    let session = try PGSession.connect(url: databaseURL, logger: logger)
                    defer { session.close() }
                    _ = try session.execute("LISTEN \(PGSession.quoteIdentifier(channel))")
                    // Anything promoted before LISTEN took effect is read by the first refresh.
                    pending.store(true, ordering: .relaxed)
                    while !stopped.load(ordering: .relaxed) {
                        let notifications = try session.waitForNotificationMessages(timeoutMs: 200)
                        if !notifications.isEmpty { pending.store(true, ordering: .relaxed) }
                        if let received { notifications.forEach(received) }
                    }
                } catch {
                    logger.warning("not listening for notifications; retrying", metadata: ["channel": "\(channel)", "error": "\(error)"])
                    Thread.sleep(forTimeInterval: 1)
                }
            }
        }
        thread.name = "listen-" + channel.prefix(8)
        thread.start()
    }

    /// Whether a promotion was announced since the last call.
    func takePending() -> Bool { pending.exchange(false, ordering: .relaxed) }

    func stop() { stopped.store(true, ordering: .relaxed) }
}
