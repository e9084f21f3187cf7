import Events

/// Folds per-park attraction updates into crowd levels: the mean current wait of open attractions over the
/// mean of their baseline P50 for this hour of week, named by `CrowdLevel`. Emits `CrowdLevelChanged` only
/// when a park's level changes. Also projects park schedules (same park key, co-partitioned topic).
public struct CrowdProjection: Projection {
    public enum Input: Sendable {
        case update(EventMeta, AttractionWaitUpdated)
        case schedule(EventMeta, ParkScheduleUpdated)
    }

    public let name = "parks_crowd"
    public let topics: TopicNames
    public var inputTopics: [String] { [topics[.parksAttractionUpdates], topics[.parksSchedules]] }
    /// The history gets a point at every level change and at least this often while readings arrive.
    public let sampleInterval: Int64

    public init(topics: TopicNames = .standard, sampleIntervalSeconds: Int64 = 300) {
        self.topics = topics
        self.sampleInterval = sampleIntervalSeconds
    }

    public func decode(_ envelope: EventEnvelope) throws(EventValidationError) -> Input {
        switch envelope.type {
        case ParkScheduleUpdated.eventType: .schedule(EventMeta(envelope), try envelope.decode(ParkScheduleUpdated.self))
        default: .update(EventMeta(envelope), try envelope.decode(AttractionWaitUpdated.self))
        }
    }

    public func stateKey(of input: Input) -> String {
        switch input {
        case .update(_, let u): u.parkID
        case .schedule(_, let s): s.parkID
        }
    }

    public func fold(_ previous: consuming ParkCrowdState?, _ input: Input) -> FoldResult<ParkCrowdState, CrowdRow> {
        switch input {
        case .schedule(_, let schedule):
            return FoldResult(state: previous ?? ParkCrowdState(parkID: schedule.parkID), rows: [.schedule(schedule)])
        case .update(let meta, let u):
            return foldUpdate(previous ?? ParkCrowdState(parkID: u.parkID), meta, u)
        }
    }

    private func foldUpdate(_ state0: ParkCrowdState, _ meta: EventMeta, _ u: AttractionWaitUpdated)
        -> FoldResult<ParkCrowdState, CrowdRow>
    {
        var state = state0
        // Older or repeated readings (a relay re-sending after a crash) never move state back.
        if let known = state.attractions[u.attractionID], known.observedAt >= u.observedAt {
            return FoldResult(state: state)
        }
        state.attractions[u.attractionID] = .init(
            waitMinutes: u.waitMinutes, isOpen: u.status.isOpen, baselineP50: u.baselineP50, observedAt: u.observedAt)
        let time = u.observedAt
        if state.updatedAt.map({ time > $0 }) ?? true { state.updatedAt = time }

        guard let reading = Self.reading(of: state) else {
            return FoldResult(state: state, rows: [.current(state)])
        }
        let level = CrowdLevel(ratio: reading.ratio)
        var rows: [CrowdRow] = []
        var derived: [DerivedEvent] = []
        let changed = level != state.level
        if changed {
            let event = CrowdLevelChanged(
                parkID: state.parkID, level: level, previousLevel: state.level, ratio: reading.ratio,
                meanWaitMinutes: reading.meanWait, baselineMeanMinutes: reading.baselineMean,
                openAttractions: reading.open)
            derived.append(
                DerivedEvent(
                    topic: topics[.parksCrowdLevels], payload: event, id: EventID.derived(name, meta.id), source: name,
                    eventTime: time, ingestTime: meta.ingestTime))
            state.levelSince = time
        }
        state.level = level
        state.ratio = reading.ratio
        if changed || state.lastSampleAt.map({ time.seconds - $0.seconds >= sampleInterval }) ?? true {
            state.lastSampleAt = time
            rows.append(
                .sample(
                    CrowdSampleRow(
                        time: time, parkID: state.parkID, level: level, ratio: reading.ratio,
                        meanWaitMinutes: reading.meanWait, baselineMeanMinutes: reading.baselineMean,
                        openAttractions: reading.open)))
        }
        rows.append(.current(state))
        return FoldResult(state: state, rows: rows, derived: derived)
    }

    /// The park's crowd ratio from open attractions that have both a wait and a positive baseline; nil when
    /// none do (closed park, no history yet).
    public static func reading(of state: ParkCrowdState) -> (ratio: Double, meanWait: Double, baselineMean: Double, open: Int)? {
        var waitSum = 0, baseSum = 0, n = 0
        for a in state.attractions.values where a.isOpen {
            guard let w = a.waitMinutes, let b = a.baselineP50, b > 0 else { continue }
            waitSum += w
            baseSum += b
            n += 1
        }
        guard n > 0 else { return nil }
        let meanWait = Double(waitSum) / Double(n)
        let baseMean = Double(baseSum) / Double(n)
        return (meanWait / baseMean, meanWait, baseMean, n)
    }
}
