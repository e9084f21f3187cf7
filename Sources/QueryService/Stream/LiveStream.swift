/// What `StreamRoutes` serves from: the live records of the streamed topics (`StreamHub` reads them from Kafka;
/// unit tests give their own), clients registered on it, and the replay of what a reconnecting client missed.
public protocol LiveStream: Sendable {
    /// The topics it streams.
    var streamed: [StreamedTopic] { get }
    /// The projection changes it announces.
    var changes: [StreamedChange] { get }
    var settings: StreamSettings { get }
    /// Registers a client for `filter`: its queue starts with the next live records, and the connection says
    /// where its cursor starts and what its `Last-Event-ID` comes to.
    func connect(filter: StreamFilter, lastEventID: String?) async throws(QueryError) -> StreamConnection
    /// Forgets a client whose stream ended.
    func disconnect(_ client: StreamClient)
    /// Reads `ranges` (each partition in order), in chunks of the records `filter` keeps. Fails with
    /// `StreamReplayGap` when a range no longer starts where asked (the log dropped it).
    func replay(_ ranges: [StreamResumePlan.Range], filter: StreamFilter) -> AsyncThrowingStream<[StreamRecord], any Error>
}

/// A registered client and where it starts.
public struct StreamConnection: Sendable {
    public let client: StreamClient
    /// The live records' start for the client's topics: its cursor on a fresh start or a reset.
    public let live: StreamPosition
    public let plan: StreamResumePlan

    public init(client: StreamClient, live: StreamPosition, plan: StreamResumePlan) {
        self.client = client
        self.live = live
        self.plan = plan
    }
}

/// A replayed range did not start at its first offset: what the id asked for is no longer kept.
public struct StreamReplayGap: Error, CustomStringConvertible {
    public let range: StreamResumePlan.Range
    public let firstKept: Int64
    public init(range: StreamResumePlan.Range, firstKept: Int64) {
        self.range = range
        self.firstKept = firstKept
    }
    public var description: String {
        "the events after this id are no longer kept (\(range.topic.baseName) partition \(range.partition) starts at offset \(firstKept), the id asks for \(range.from))"
    }
}
