import Events

/// Folds a session's timing (laps, pit stops, stints, positions, intervals, retirements; one topic, keyed by
/// session, so live and replay see the same order) into the lap history, the live leaderboard and race
/// events: `FastestLapSet`, `PersonalBest`, `PitStopCompleted`, `PositionChanged`, and `PacePredicted` from
/// each stint's degradation fit (lap time against tyre age over its clean laps).
///
/// Positions come from crossing times (laps completed, then who completed the last one first), so they are
/// the same however the feed's own position messages interleave; those only fill in before the first lap.
public struct SessionProjection: Projection {
    public enum Input: Sendable {
        case lap(EventMeta, LapCompleted)
        case pit(EventMeta, PitStopReported)
        case stint(EventMeta, StintReported)
        case position(EventMeta, PositionReported)
        case interval(EventMeta, IntervalReported)
        case retired(EventMeta, DriverRetired)
        /// Who drives a car: not part of the timing state (the commentary names cars with it).
        case driver(EventMeta, DriverIdentified)
    }

    public let name = "motorsport_session"
    public let topics: TopicNames
    public var inputTopics: [String] { [topics[.motorsportTiming]] }

    public init(topics: TopicNames = .standard) { self.topics = topics }

    public func decode(_ envelope: EventEnvelope) throws(EventValidationError) -> Input {
        let meta = EventMeta(envelope)
        switch envelope.type {
        case LapCompleted.eventType: return .lap(meta, try envelope.decode(LapCompleted.self))
        case PitStopReported.eventType: return .pit(meta, try envelope.decode(PitStopReported.self))
        case StintReported.eventType: return .stint(meta, try envelope.decode(StintReported.self))
        case PositionReported.eventType: return .position(meta, try envelope.decode(PositionReported.self))
        case IntervalReported.eventType: return .interval(meta, try envelope.decode(IntervalReported.self))
        case DriverRetired.eventType: return .retired(meta, try envelope.decode(DriverRetired.self))
        case DriverIdentified.eventType: return .driver(meta, try envelope.decode(DriverIdentified.self))
        default:
            throw EventValidationError(field: "type", reason: "'\(envelope.type)' does not belong on \(topics[.motorsportTiming])")
        }
    }

    public func stateKey(of input: Input) -> String {
        switch input {
        case .lap(_, let e): e.sessionID
        case .pit(_, let e): e.sessionID
        case .stint(_, let e): e.sessionID
        case .position(_, let e): e.sessionID
        case .interval(_, let e): e.sessionID
        case .retired(_, let e): e.sessionID
        case .driver(_, let e): e.sessionID
        }
    }

    public func fold(_ previous: consuming SessionState?, _ input: Input) -> FoldResult<SessionState, SessionRow> {
        var step = Step(state: previous ?? SessionState(sessionID: stateKey(of: input)), projection: self)
        switch input {
        case .lap(let meta, let lap): step.apply(lap, meta)
        case .pit(let meta, let pit): step.apply(pit, meta)
        case .stint(let meta, let stint): step.apply(stint, meta)
        case .position(let meta, let p): step.apply(p, meta)
        case .interval(let meta, let i): step.apply(i, meta)
        case .retired(let meta, let r): step.apply(r, meta)
        case .driver: break
        }
        return step.result()
    }

    /// One fold step: the state being changed, and what it produced.
    struct Step {
        var state: SessionState
        let projection: SessionProjection
        var rows: [SessionRow] = []
        var derived: [DerivedEvent] = []
        var changedDrivers: Set<Int> = []
        var changed = false

        init(state: SessionState, projection: SessionProjection) {
            self.state = state
            self.projection = projection
        }

        mutating func driver(_ n: Int) -> DriverStanding { state.drivers[n] ?? DriverStanding(driverNumber: n) }

        mutating func emit<P: EventPayload>(_ payload: P, _ meta: EventMeta, _ cause: String, time: Timestamp, driver: Int) {
            let event = DerivedEvent(
                topic: projection.topics[.motorsportRaceEvents], payload: payload,
                id: EventID.derived(projection.name, meta.id, cause), source: projection.name, eventTime: time,
                ingestTime: meta.ingestTime)
            derived.append(event)
            rows.append(.raceEvent(RaceEventRow(time: time, sessionID: state.sessionID, driverNumber: driver, event: event)))
        }

        mutating func touch(_ d: DriverStanding, _ meta: EventMeta) {
            state.drivers[d.driverNumber] = d
            changedDrivers.insert(d.driverNumber)
            changed = true
            if state.updatedAt.map({ meta.eventTime > $0 }) ?? true { state.updatedAt = meta.eventTime }
        }

        mutating func apply(_ lap: LapCompleted, _ meta: EventMeta) {
            var d = driver(lap.driverNumber)
            // A lap already folded (the feed re-sent it, or a replay overlaps) changes nothing.
            guard d.lapEnds[lap.lapNumber] == nil else { return }
            d.lapEnds[lap.lapNumber] = meta.eventTime.microseconds
            d.lapsCompleted = max(d.lapsCompleted, lap.lapNumber)
            if lap.lapNumber == d.lapsCompleted { d.lastLap = lap.lapDuration }
            let sectors = [lap.sector1, lap.sector2, lap.sector3]
            for i in 0..<3 {
                guard let s = sectors[i] else { continue }
                if d.bestSectors[i].map({ s < $0 }) ?? true { d.bestSectors[i] = s }
                if state.bestSectors[i].map({ s < $0 }) ?? true {
                    state.bestSectors[i] = s
                    state.bestSectorDrivers[i] = lap.driverNumber
                }
            }
            if let duration = lap.lapDuration {
                if d.bestLap.map({ duration < $0 }) ?? true {
                    emit(
                        PersonalBest(
                            sessionID: lap.sessionID, driverNumber: lap.driverNumber, lapNumber: lap.lapNumber,
                            lapDuration: duration, previousLapDuration: d.bestLap), meta, "personal-best", time: meta.eventTime,
                        driver: lap.driverNumber)
                    d.bestLap = duration
                    d.bestLapNumber = lap.lapNumber
                }
                if state.fastestLap.map({ duration < $0.duration }) ?? true {
                    let before = state.fastestLap
                    emit(
                        FastestLapSet(
                            sessionID: lap.sessionID, driverNumber: lap.driverNumber, lapNumber: lap.lapNumber,
                            lapDuration: duration, previousDriverNumber: before?.driver, previousLapDuration: before?.duration),
                        meta, "fastest-lap", time: meta.eventTime, driver: lap.driverNumber)
                    state.fastestLap = (lap.driverNumber, lap.lapNumber, duration)
                }
            }
            let age = d.tyreAge(atLap: lap.lapNumber)
            rows.append(.lap(LapRow(time: meta.eventTime, lap: lap, compound: d.compound, tyreAge: d.compound == nil ? nil : age)))
            if let duration = lap.lapDuration, lap.lapNumber > 1, !lap.isPitOutLap, lap.lapNumber >= d.stintLapStart,
                d.stintNumber > 0, duration <= (d.bestLap ?? duration) * 1.07
            {
                d.stintLaps.append(.init(lap: lap.lapNumber, age: age, seconds: duration))
            }
            if d.stintNumber > 0 {
                rows.append(.stint(StintRow(sessionID: lap.sessionID, d)))
                // The next lap, from this stint's fit: one prediction per completed lap, id from the lap's.
                if lap.lapNumber == d.lapsCompleted, !d.retired, let fit = d.degradationFit {
                    let next = d.tyreAge(atLap: lap.lapNumber + 1)
                    let (seconds, uncertainty) = fit.predict(age: Double(next))
                    emit(
                        PacePredicted(
                            sessionID: lap.sessionID, driverNumber: lap.driverNumber, lapNumber: lap.lapNumber + 1,
                            predictedLapDuration: (seconds * 1000).rounded() / 1000,
                            uncertainty: (uncertainty * 1000).rounded() / 1000, compound: d.compound, tyreAge: next,
                            degradation: (fit.slope * 10_000).rounded() / 10_000, cleanLaps: fit.samples),
                        meta, "pace", time: meta.eventTime, driver: lap.driverNumber)
                }
            }
            touch(d, meta)
            reclassify(meta, lapNumber: lap.lapNumber)
        }

        mutating func apply(_ pit: PitStopReported, _ meta: EventMeta) {
            var d = driver(pit.driverNumber)
            guard !d.pitLaps.contains(pit.lapNumber) else { return }
            d.pitLaps.append(pit.lapNumber)
            d.pitLaps.sort()
            // The in-lap is not representative of the tyres' pace.
            if d.stintLaps.contains(where: { $0.lap == pit.lapNumber }) {
                d.stintLaps.removeAll { $0.lap == pit.lapNumber }
                rows.append(.stint(StintRow(sessionID: pit.sessionID, d)))
            }
            emit(
                PitStopCompleted(
                    sessionID: pit.sessionID, driverNumber: pit.driverNumber, lapNumber: pit.lapNumber,
                    laneDuration: pit.laneDuration, stopDuration: pit.stopDuration, pitCount: d.pitCount),
                meta, "pit", time: meta.eventTime, driver: pit.driverNumber)
            touch(d, meta)
        }

        mutating func apply(_ stint: StintReported, _ meta: EventMeta) {
            var d = driver(stint.driverNumber)
            // Only the newest stint is the current one; a re-sent older stint does not put old tyres back on.
            guard stint.stintNumber >= d.stintNumber else { return }
            let same = stint.stintNumber == d.stintNumber && d.compound == stint.compound
                && d.stintLapStart == stint.lapStart && d.tyreAgeAtStart == stint.tyreAgeAtStart
            guard !same else { return }
            if stint.stintNumber != d.stintNumber || stint.lapStart != d.stintLapStart { d.stintLaps.removeAll() }
            d.stintNumber = stint.stintNumber
            d.compound = stint.compound
            d.stintLapStart = stint.lapStart
            d.tyreAgeAtStart = stint.tyreAgeAtStart
            rows.append(.stint(StintRow(sessionID: stint.sessionID, d)))
            touch(d, meta)
        }

        mutating func apply(_ p: PositionReported, _ meta: EventMeta) {
            // Before the first lap the grid order comes from the feed; afterwards crossing times decide.
            var d = driver(p.driverNumber)
            let racing = state.drivers.values.contains { $0.lapsCompleted > 0 }
            if !racing, d.position != p.position {
                d.position = p.position
                touch(d, meta)
            } else if state.drivers[p.driverNumber] == nil {
                touch(d, meta)
            }
        }

        mutating func apply(_ i: IntervalReported, _ meta: EventMeta) {
            // Gaps are computed from crossing times; the feed's own only register the car.
            if state.drivers[i.driverNumber] == nil { touch(driver(i.driverNumber), meta) }
        }

        mutating func apply(_ r: DriverRetired, _ meta: EventMeta) {
            var d = driver(r.driverNumber)
            guard !d.retired else { return }
            d.retired = true
            touch(d, meta)
            reclassify(meta, lapNumber: d.lapsCompleted)
        }

        /// Recomputes positions, gaps and intervals from crossing times; tells who passed whom.
        mutating func reclassify(_ meta: EventMeta, lapNumber: Int) {
            let before = state.drivers.mapValues(\.position)
            let order = state.classification
            guard let leader = order.first else { return }
            var ahead: DriverStanding?
            for (index, car) in order.enumerated() {
                var d = car
                d.position = index + 1
                if let crossing = d.lastCrossing, d.lapsCompleted > 0 {
                    let lap = d.lapsCompleted
                    // Laps the leader completed before this car completed its last one: laps down.
                    let down = leader.lapEnds.filter { $0.key > lap && $0.value <= crossing }.count
                    d.lapsBehindLeader = down
                    // Gaps at the line of this car's last lap. A car that crossed it before the one ahead did
                    // (it has since been passed) has no gap until it crosses again.
                    func gap(to other: DriverStanding?) -> Double? {
                        guard let t = other?.lapEnds[lap], crossing >= t else { return nil }
                        return Double(crossing - t) / 1e6
                    }
                    d.gapToLeader = down == 0 ? gap(to: leader) : nil
                    d.interval = gap(to: ahead)
                } else {
                    d.gapToLeader = nil
                    d.interval = nil
                    d.lapsBehindLeader = nil
                }
                if d != state.drivers[d.driverNumber] {
                    state.drivers[d.driverNumber] = d
                    changedDrivers.insert(d.driverNumber)
                }
                ahead = d
            }
            // Each gain is told once, by the car that gained, naming the cars now behind it that were ahead.
            for d in order {
                guard let now = state.drivers[d.driverNumber]?.position, let was = before[d.driverNumber] ?? nil, now < was else { continue }
                let passed = state.drivers.values.filter { other in
                    guard let otherWas = before[other.driverNumber] ?? nil, let otherNow = other.position else { return false }
                    return otherWas < was && otherNow > now
                }.map(\.driverNumber).sorted()
                guard !passed.isEmpty else { continue }
                emit(
                    PositionChanged(
                        sessionID: state.sessionID, driverNumber: d.driverNumber, from: was, to: now, passed: passed,
                        lapNumber: state.drivers[d.driverNumber]?.lapsCompleted ?? lapNumber),
                    meta, "position-\(d.driverNumber)", time: meta.eventTime, driver: d.driverNumber)
            }
        }

        func result() -> FoldResult<SessionState, SessionRow> {
            guard changed else { return FoldResult(state: state) }
            var rows = self.rows
            let time = state.updatedAt ?? Timestamp(microseconds: 0)
            for n in changedDrivers.sorted() {
                if let d = state.drivers[n] { rows.append(.standing(sessionID: state.sessionID, d, updatedAt: time)) }
            }
            // The state itself is written once per batch by the store (`SessionStore.writeStates`).
            return FoldResult(state: state, rows: rows, derived: derived)
        }
    }
}
