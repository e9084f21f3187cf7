import Events

/// Folds car telemetry (topic `motorsport.car-data`, keyed by session/car) into the `telemetry` hypertable
/// and its 1-second rollup. Each sample contributes a partial aggregate of its second (count, min, max,
/// sums); the store merges partials, so a second split over batches, or completed by a late sample, still
/// sums up exactly. Repeated samples (same car, same time) count once; a sample more than
/// `CarTelemetryState.recentTimesKept` samples late is dropped (it cannot be told from a repeat).
public struct TelemetryProjection: Projection {
    public typealias Input = (meta: EventMeta, sample: CarSample)

    public let name = "motorsport_telemetry"
    public let topics: TopicNames
    public var inputTopics: [String] { [topics[.motorsportCarData]] }
    /// Telemetry is the volume (20 cars × 4 Hz and up): a few transactions a second instead of one per poll
    /// keeps the database free for the leaderboard's; its 1-second rollup stays fresh within a second.
    public var batchLingerMs: Int { 200 }

    public init(topics: TopicNames = .standard) { self.topics = topics }

    public func decode(_ envelope: EventEnvelope) throws(EventValidationError) -> Input {
        (EventMeta(envelope), try envelope.decode(CarSample.self))
    }

    public func stateKey(of input: Input) -> String { input.sample.partitionKey }

    public func fold(_ previous: consuming CarTelemetryState?, _ input: Input) -> FoldResult<CarTelemetryState, TelemetryRow> {
        let s = input.sample
        let t = input.meta.eventTime.microseconds
        var state = previous ?? CarTelemetryState(sessionID: s.sessionID, driverNumber: s.driverNumber)
        // A repeat of a recent sample, or a sample older than the window of recent ones (a feed re-sending an
        // old stretch), is dropped: it may have been counted already, and counting nothing twice wins over
        // a sample arriving more than `recentTimesKept` samples late.
        if let oldest = state.recentTimes.first, t < oldest || state.recentTimes.contains(t) {
            return FoldResult(state: state)
        }
        var i = state.recentTimes.count
        while i > 0, state.recentTimes[i - 1] > t { i -= 1 }
        state.recentTimes.insert(t, at: i)
        if state.recentTimes.count > CarTelemetryState.recentTimesKept { state.recentTimes.removeFirst() }
        let second = Timestamp(microseconds: Timestamp.floorDivision(t, 1_000_000) * 1_000_000)
        return FoldResult(
            state: state,
            rows: [.sample(time: input.meta.eventTime, s), .second(TelemetrySecond(second: second, sample: s))])
    }
}

/// What the telemetry fold remembers per car: the times of its latest samples, to drop repeats.
public struct CarTelemetryState: Sendable, Equatable {
    public var sessionID: String
    public var driverNumber: Int
    /// Sample times (µs), oldest first.
    public var recentTimes: [Int64] = []
    /// Several seconds of samples at feed rates (≤ 10 Hz): repeats come within moments.
    public static let recentTimesKept = 64

    public init(sessionID: String, driverNumber: Int) {
        self.sessionID = sessionID
        self.driverNumber = driverNumber
    }
}
