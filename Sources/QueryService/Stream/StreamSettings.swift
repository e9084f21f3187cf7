/// The limits of `GET /v1/stream` (`turnstile serve --stream-*`).
public struct StreamSettings: Sendable {
    /// Records queued for one client before it is cut off as too slow.
    public var clientBuffer = 10_000
    /// Quiet time after which a heartbeat comment is sent.
    public var heartbeat: Duration = .seconds(15)
    /// How long one write to a client may wait for it before the connection is closed.
    public var stallTimeout: Duration = .seconds(30)
    /// Clients at once; more are refused with a 503.
    public var maxClients = 1_000
    /// The most records a reconnecting client is replayed; further behind, it gets a `reset`.
    public var maxReplay: Int64 = 100_000
    /// Replays (reconnections with a Last-Event-ID) reading the broker at once; more wait their turn, so that a
    /// reconnection storm (every client of a restarted server) costs the broker a few consumers, not thousands.
    public var maxConcurrentReplays = 8
    /// The reconnection delay the stream tells clients, in milliseconds.
    public var retryMilliseconds = 2_000

    public init() {}
}
