import Events

/// Folds raw wait-time observations (keyed by attraction) into the `wait_times` history, each attraction's
/// current state and its hour-of-week baselines, and re-keys each change of current wait, status or baseline
/// by park for the crowd fold (`AttractionWaitUpdated`).
public struct WaitTimesProjection: Projection {
    public typealias Input = (meta: EventMeta, observation: WaitTimeObserved)

    public let name = "parks_wait_times"
    public let topics: TopicNames
    public var inputTopics: [String] { [topics[.parksWaitTimes]] }
    /// Feeds post waits every few minutes; 10 ms more per batch is invisible to their readers, and at 5 000
    /// events/s it halves the transactions and the fetches. Measured (`ops/bench`, 5 000/s): p99 produce →
    /// visible 56–75 ms with it, 79–118 ms without.
    public var batchLingerMs: Int { 10 }

    /// `topics[.parksAttractionUpdates]`, joined once: it is named on every derived event.
    private let attractionUpdatesTopic: String

    public init(topics: TopicNames = .standard) {
        self.topics = topics
        attractionUpdatesTopic = topics[.parksAttractionUpdates]
    }

    public func decode(_ envelope: EventEnvelope) throws(EventValidationError) -> Input {
        (EventMeta(envelope), try envelope.decode(WaitTimeObserved.self))
    }

    public func stateKey(of input: Input) -> String { input.observation.partitionKey }

    public func fold(_ previous: consuming AttractionState?, _ input: Input) -> FoldResult<AttractionState, WaitTimesRow> {
        var state = consume previous
        var rows: [WaitTimesRow] = [], derived: [DerivedEvent] = []
        fold(&state, input, rows: &rows, derived: &derived)
        // The step always leaves a state.
        return FoldResult(state: state!, rows: rows, derived: derived)
    }

    /// The step itself, appending to the batch's rows and derived events (no arrays of its own per step).
    public func fold(_ slot: inout AttractionState?, _ input: Input, rows: inout [WaitTimesRow], derived: inout [DerivedEvent]) {
        // Moved out of the slot, not copied: the step mutates the only reference in place, then it goes back.
        var state = slot.take() ?? AttractionState(parkID: input.observation.parkID, attractionID: input.observation.attractionID)
        step(&state, input, rows: &rows, derived: &derived)
        slot = consume state
    }

    private func step(_ state: inout AttractionState, _ input: Input, rows: inout [WaitTimesRow], derived: inout [DerivedEvent]) {
        let o = input.observation
        let time = input.meta.eventTime
        // A repeated reading (same attraction, same event time) changes nothing.
        if state.recentTimes.contains(time.microseconds) { return }
        insertRecent(time.microseconds, into: &state.recentTimes)

        if let name = o.attractionName { state.attractionName = name }
        if let zone = o.timeZone { state.timeZone = zone }

        rows.append(
            .observation(
                WaitObservationRow(
                    time: time, parkID: o.parkID, attractionID: o.attractionID, waitMinutes: o.waitMinutes,
                    status: o.status)))

        // Baselines count every open observation, in or out of order: counting commutes.
        let (dow, hour) = time.hourOfWeek(offsetSeconds: TimeZoneOffsets.offset(zone: state.timeZone, at: time))
        let slotIndex = dow * 24 + hour
        // The baseline P50 of this hour, as it is after this observation.
        var p50: Int?
        if o.status.isOpen, let wait = o.waitMinutes {
            p50 = state.baselines.add(wait, slot: slotIndex)
            rows.append(.baselineChanged(BaselineSlot(parkID: o.parkID, attractionID: o.attractionID, dayOfWeek: dow, hour: hour)))
        } else {
            p50 = state.baselines.percentile(0.5, slot: slotIndex)
        }

        // Current state only moves forward in event time.
        guard state.observedAt.map({ time >= $0 }) ?? true else { return }
        let first = state.observedAt == nil
        let wait = o.status.isOpen ? o.waitMinutes : nil
        // The crowd fold only needs changes: a repeated reading (same wait, status and baseline) is not
        // re-published, which halves what a batch writes for feeds that re-post unchanged waits.
        let publish = first || state.status != o.status || state.waitMinutes != wait || state.publishedBaselineP50 != p50
        if state.status != o.status { state.statusSince = time }
        state.observedAt = time
        state.status = o.status
        state.waitMinutes = wait
        guard publish else { return }
        state.publishedBaselineP50 = p50
        let update = AttractionWaitUpdated(
            parkID: o.parkID, attractionID: o.attractionID, waitMinutes: wait, status: o.status,
            baselineP50: p50, observedAt: time)
        derived.append(
            DerivedEvent(
                topic: attractionUpdatesTopic, payload: update, id: EventID.derived(name, input.meta.id),
                source: name, eventTime: time, ingestTime: input.meta.ingestTime))
    }

    private func insertRecent(_ t: Int64, into times: inout [Int64]) {
        var i = times.count
        while i > 0, times[i - 1] > t { i -= 1 }
        times.insert(t, at: i)
        if times.count > AttractionState.recentTimesKept { times.removeFirst(times.count - AttractionState.recentTimesKept) }
    }
}
