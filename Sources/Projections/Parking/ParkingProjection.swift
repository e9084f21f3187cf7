import Events

/// Folds a facility's raw stream (bay sensor readings, heartbeats, gate passages, counted totals, layouts;
/// one topic keyed by facility) into spot states, occupancy per facility/level/zone now and over time,
/// parking stays, forecasts and alerts: `SensorOffline`, `SensorRecovered`, `OccupancyThresholdCrossed`,
/// `OccupancyForecast`.
///
/// Time is the facility's own clock, the newest event time in its stream; nothing reads the wall clock, so a
/// replay decides exactly as live did.
/// - Debounce: a spot takes a new status only once it has held for `debounce_seconds` of the facility's
///   clock; a flap shorter than that never reaches occupancy.
/// - A reading no newer (by sensor time) than the spot's newest is a repeat or arrived late: dropped, so an
///   older reading never overwrites a newer state.
/// - A sensor silent (no reading, no heartbeat) for longer than `heartbeat_allowance_seconds` is offline:
///   its spot is `unknown`, out of occupied and free, until it reports again.
/// - Count-based areas (gates, reported totals) feed the same occupancy model as spots.
public struct ParkingProjection: Projection {
    public enum Input: Sendable {
        case reading(EventMeta, SpotReading)
        case heartbeat(EventMeta, SensorHeartbeat)
        case gate(EventMeta, GatePassed)
        case counted(EventMeta, OccupancyCounted)
        case layout(EventMeta, FacilityLayout)

        var meta: EventMeta {
            switch self {
            case .reading(let m, _), .heartbeat(let m, _), .gate(let m, _), .counted(let m, _), .layout(let m, _): m
            }
        }
    }

    public let name = "parking_occupancy"
    public let topics: TopicNames
    public var inputTopics: [String] { [topics[.parkingSensors]] }

    public init(topics: TopicNames = .standard) { self.topics = topics }

    public func decode(_ envelope: EventEnvelope) throws(EventValidationError) -> Input {
        let meta = EventMeta(envelope)
        switch envelope.type {
        case SpotReading.eventType: return .reading(meta, try envelope.decode(SpotReading.self))
        case SensorHeartbeat.eventType: return .heartbeat(meta, try envelope.decode(SensorHeartbeat.self))
        case GatePassed.eventType: return .gate(meta, try envelope.decode(GatePassed.self))
        case OccupancyCounted.eventType: return .counted(meta, try envelope.decode(OccupancyCounted.self))
        case FacilityLayout.eventType: return .layout(meta, try envelope.decode(FacilityLayout.self))
        default:
            throw EventValidationError(field: "type", reason: "'\(envelope.type)' does not belong on \(topics[.parkingSensors])")
        }
    }

    public func stateKey(of input: Input) -> String {
        switch input {
        case .reading(_, let e): e.facilityID
        case .heartbeat(_, let e): e.facilityID
        case .gate(_, let e): e.facilityID
        case .counted(_, let e): e.facilityID
        case .layout(_, let e): e.facilityID
        }
    }

    public func fold(_ previous: consuming FacilityState?, _ input: Input) -> FoldResult<FacilityState, ParkingRow> {
        var step = Step(state: previous ?? FacilityState(facilityID: stateKey(of: input)), projection: self, meta: input.meta)
        let time = input.meta.eventTime
        // Quarter hours and silences that passed before this event are settled at their own times first.
        step.advance(to: time)
        switch input {
        case .reading(_, let r): step.apply(r, time)
        case .heartbeat(_, let h): step.apply(h, time)
        case .gate(_, let g): step.apply(g, time)
        case .counted(_, let c): step.apply(c, time)
        case .layout(_, let l): step.apply(l, time)
        }
        step.settle(at: step.state.clock ?? time)
        return step.result()
    }

    /// One fold step: the facility being changed, and what it produced.
    struct Step {
        var state: FacilityState
        let projection: ParkingProjection
        let meta: EventMeta
        var rows: [ParkingRow] = []
        var derived: [DerivedEvent] = []
        var changedSpots: Set<String> = []
        var changedGates: Set<String> = []
        var changed = false
        var occupancyDirty = false

        init(state: FacilityState, projection: ParkingProjection, meta: EventMeta) {
            self.state = state
            self.projection = projection
            self.meta = meta
        }

        var facility: String { state.facilityID }

        mutating func emit<P: EventPayload>(_ payload: P, topic: String, cause: [String], time: Timestamp, sensor: String?) {
            // Ids come from the cause, not the event that revealed it: whichever event moves the clock past a
            // silence, the offline alert is the same event.
            let event = DerivedEvent(
                topic: topic, payload: payload, id: EventID.derived([projection.name, facility] + cause),
                source: projection.name, eventTime: time, ingestTime: meta.ingestTime)
            derived.append(event)
            if topic == projection.topics[.parkingAlerts] {
                rows.append(.alert(AlertRow(time: time, facilityID: facility, sensorID: sensor, event: event)))
            }
        }

        // MARK: Inputs

        mutating func apply(_ r: SpotReading, _ time: Timestamp) {
            let allowance = Int64(state.settings.heartbeatAllowanceSeconds) * 1_000_000
            var spot: SpotState
            if let known = state.spots[r.spotID] {
                spot = known
            } else {
                // A new sensor: one more spot of unknown status until its reading holds.
                spot = SpotState(level: r.level, zone: r.zone, lastSeen: time)
                state.nextDue.note(time.microseconds + allowance + 1)
                occupancyDirty = true
            }
            // A repeat, or a reading older than one already folded: it must not move the spot back in time.
            if let last = spot.lastReading, time <= last { return }
            spot.lastReading = time
            spot.lastSeen = max(spot.lastSeen, time)
            if let b = r.batteryPercent { spot.batteryPercent = b }
            if spot.level != r.level || spot.zone != r.zone {
                // The sensor was moved (or the feed renamed its area): it counts where it is now.
                spot.level = r.level
                spot.zone = r.zone
                occupancyDirty = true
            }
            if let since = spot.offlineSince {
                spot.offlineSince = nil
                state.nextDue.note(spot.lastSeen.microseconds + allowance + 1)
                emit(SensorRecovered(facilityID: facility, sensorID: r.spotID, offlineSince: since),
                     topic: projection.topics[.parkingAlerts], cause: ["recovered", r.spotID, String(since.microseconds)], time: time, sensor: r.spotID)
            }
            let wanted: SpotStatus = r.occupied ? .occupied : .free
            if wanted == spot.status {
                spot.pending = nil  // a flap back before the debounce ran out: nothing happened
                spot.pendingSince = nil
            } else if spot.pending != r.occupied {
                spot.pending = r.occupied
                spot.pendingSince = time
                state.nextDue.note(time.microseconds + Int64(state.settings.debounceSeconds) * 1_000_000)
            }
            state.spots[r.spotID] = spot
            changedSpots.insert(r.spotID)
            changed = true
        }

        mutating func apply(_ h: SensorHeartbeat, _ time: Timestamp) {
            if var spot = state.spots[h.sensorID] {
                // Offline, `lastSeen` is its last report: a heartbeat that recovers it is newer anyway.
                guard time > spot.lastSeen else { return }
                spot.lastSeen = max(spot.lastSeen, time)
                if let b = h.batteryPercent { spot.batteryPercent = b }
                if let since = spot.offlineSince, time > since {
                    // Alive again, but its spot's status is not known until it reads again.
                    spot.offlineSince = nil
                    state.nextDue.note(spot.lastSeen.microseconds + Int64(state.settings.heartbeatAllowanceSeconds) * 1_000_000 + 1)
                    emit(SensorRecovered(facilityID: facility, sensorID: h.sensorID, offlineSince: since),
                         topic: projection.topics[.parkingAlerts], cause: ["recovered", h.sensorID, String(since.microseconds)], time: time, sensor: h.sensorID)
                }
                state.spots[h.sensorID] = spot
                changedSpots.insert(h.sensorID)
                changed = true
            } else if var gate = state.gates[h.sensorID] {
                guard time > gate.lastSeen else { return }
                gate.lastSeen = time
                recoverGate(h.sensorID, &gate, time)
                state.gates[h.sensorID] = gate
                changedGates.insert(h.sensorID)
                changed = true
            }
            // A heartbeat of a sensor never seen reading says nothing about any spot: ignored.
        }

        mutating func recoverGate(_ id: String, _ gate: inout GateState, _ time: Timestamp) {
            guard let since = gate.offlineSince, time > since else { return }
            gate.offlineSince = nil
            state.nextDue.note(gate.lastSeen.microseconds + Int64(state.settings.heartbeatAllowanceSeconds) * 1_000_000 + 1)
            emit(SensorRecovered(facilityID: facility, sensorID: id, offlineSince: since),
                 topic: projection.topics[.parkingAlerts], cause: ["recovered", id, String(since.microseconds)], time: time, sensor: id)
        }

        mutating func apply(_ g: GatePassed, _ time: Timestamp) {
            // A gateway re-sending a passage keeps its id: counted once.
            guard !state.recentGateEvents.contains(meta.id) else { return }
            state.recentGateEvents.append(meta.id)
            if state.recentGateEvents.count > FacilityState.gateEventsKept { state.recentGateEvents.removeFirst() }
            let area = ParkingArea(level: g.level, zone: g.zone)
            var count = state.counts[area] ?? CountState()
            count.count += g.direction == .entry ? g.vehicles : -g.vehicles
            state.counts[area] = count
            var gate: GateState
            if let known = state.gates[g.gateID] {
                gate = known
            } else {
                gate = GateState(level: g.level, zone: g.zone, lastSeen: time)
                state.nextDue.note(time.microseconds + Int64(state.settings.heartbeatAllowanceSeconds) * 1_000_000 + 1)
            }
            gate.lastSeen = max(gate.lastSeen, time)
            recoverGate(g.gateID, &gate, time)
            state.gates[g.gateID] = gate
            changedGates.insert(g.gateID)
            occupancyDirty = true
            changed = true
        }

        mutating func apply(_ c: OccupancyCounted, _ time: Timestamp) {
            let area = ParkingArea(level: c.level, zone: c.zone)
            var count = state.counts[area] ?? CountState()
            // A total older than the newest one (or the same one again) never overwrites it.
            if let last = count.lastTotalAt, time <= last { return }
            count.count = c.occupied
            count.lastTotalAt = time
            if let capacity = c.capacity { count.reportedCapacity = capacity }
            state.counts[area] = count
            occupancyDirty = true
            changed = true
        }

        mutating func apply(_ l: FacilityLayout, _ time: Timestamp) {
            state.name = l.name ?? state.name
            state.timeZone = l.timeZone ?? state.timeZone
            state.settings = l.settings
            state.layout = Dictionary(uniqueKeysWithValues: l.areas.map { (ParkingArea(level: $0.level, zone: $0.zone), $0.capacity) })
            state.nextDue = FacilityState.DueHint()  // the allowances may have changed: sweep on the next settle
            occupancyDirty = true
            changed = true
        }

        // MARK: The facility's clock

        /// Moves the clock to `time` (never back), settling every quarter hour it passes on the way.
        mutating func advance(to time: Timestamp) {
            guard state.clock.map({ time > $0 }) ?? true else { return }
            let offset = Int64(TimeZoneOffsets.offset(zone: state.timeZone, at: time))
            let quarter = Timestamp.floorDivision(time.seconds + offset, OccupancyProfile.quarter)
            if let last = state.lastQuarter, quarter > last {
                // The occupancy at the latest quarter hour passed: settled at that instant, then sampled.
                let boundary = Timestamp(microseconds: (quarter * OccupancyProfile.quarter - offset) * 1_000_000)
                settle(at: boundary)
                forecast(quarter: quarter, at: boundary)
            }
            if state.lastQuarter == nil { state.lastQuarter = quarter }
            state.clock = time
            changed = true
        }

        /// Confirms debounced changes and judges silences as of `now`.
        mutating func settle(at now: Timestamp) {
            if let due = state.nextDue.microseconds, now.microseconds < due {
                if occupancyDirty { publishOccupancy(at: now) }
                return
            }
            let debounce = Int64(state.settings.debounceSeconds) * 1_000_000
            let allowance = Int64(state.settings.heartbeatAllowanceSeconds) * 1_000_000
            var next = Int64.max
            defer { state.nextDue = FacilityState.DueHint(microseconds: next) }
            for id in state.spots.keys.sorted() {
                var spot = state.spots[id]!
                var touched = false
                if let pending = spot.pending, let since = spot.pendingSince, since.microseconds + debounce <= now.microseconds {
                    let status: SpotStatus = pending ? .occupied : .free
                    if spot.status == .occupied, status == .free, let start = spot.stayStart {
                        rows.append(.stay(StayRow(facilityID: facility, spotID: id, level: spot.level, zone: spot.zone, start: start, end: since)))
                    }
                    // A stay's start is known only when it was seen beginning on a free spot.
                    spot.stayStart = (spot.status == .free && status == .occupied) ? since : nil
                    spot.status = status
                    spot.since = since
                    spot.pending = nil
                    spot.pendingSince = nil
                    touched = true
                }
                let deadline = spot.lastSeen.microseconds + allowance
                if spot.offlineSince == nil, deadline < now.microseconds {
                    let at = Timestamp(microseconds: deadline)
                    spot.offlineSince = at
                    spot.status = .unknown
                    spot.since = at
                    spot.pending = nil
                    spot.pendingSince = nil
                    spot.stayStart = nil  // whoever is there now, the stay is no longer observed
                    emit(SensorOffline(facilityID: facility, sensorID: id, level: spot.level, zone: spot.zone, lastSeen: spot.lastSeen),
                         topic: projection.topics[.parkingAlerts], cause: ["offline", id, String(spot.lastSeen.microseconds)], time: at, sensor: id)
                    touched = true
                }
                if let since = spot.pendingSince { next = min(next, since.microseconds + debounce) }
                if spot.offlineSince == nil { next = min(next, spot.lastSeen.microseconds + allowance + 1) }
                if touched {
                    state.spots[id] = spot
                    changedSpots.insert(id)
                    occupancyDirty = true
                    changed = true
                }
            }
            for id in state.gates.keys.sorted() {
                var gate = state.gates[id]!
                let deadline = gate.lastSeen.microseconds + allowance
                guard gate.offlineSince == nil else { continue }
                guard deadline < now.microseconds else {
                    next = min(next, deadline + 1)
                    continue
                }
                gate.offlineSince = Timestamp(microseconds: deadline)
                emit(SensorOffline(facilityID: facility, sensorID: id, level: gate.level, zone: gate.zone, lastSeen: gate.lastSeen),
                     topic: projection.topics[.parkingAlerts], cause: ["offline", id, String(gate.lastSeen.microseconds)],
                     time: gate.offlineSince!, sensor: id)
                state.gates[id] = gate
                changedGates.insert(id)
                changed = true
            }
            if occupancyDirty { publishOccupancy(at: now) }
        }

        /// Writes the occupancy rows that changed and raises the threshold alert with hysteresis.
        mutating func publishOccupancy(at time: Timestamp) {
            occupancyDirty = false
            for o in state.occupancy() where state.published[o.key] != o {
                state.published[o.key] = o
                rows.append(.occupancy(facilityID: facility, time: time, o))
            }
            let total = state.published["facility//"] ?? AreaOccupancy(scope: .facility, level: "", zone: "")
            guard total.capacity > 0 else { return }
            let s = state.settings
            let crossed: OccupancyThresholdCrossed.Direction?
            if !state.aboveThreshold, total.occupied * 100 >= s.alertUpPercent * total.capacity {
                crossed = .up
            } else if state.aboveThreshold, total.occupied * 100 <= s.alertDownPercent * total.capacity {
                crossed = .down
            } else {
                crossed = nil
            }
            guard let crossed else { return }
            state.aboveThreshold = crossed == .up
            state.thresholdChangedAt = time
            emit(OccupancyThresholdCrossed(
                    facilityID: facility, direction: crossed, occupied: total.occupied, capacity: total.capacity,
                    thresholdPercent: crossed == .up ? s.alertUpPercent : s.alertDownPercent),
                 topic: projection.topics[.parkingAlerts], cause: ["threshold", crossed.rawValue, String(time.microseconds)], time: time, sensor: nil)
        }

        /// At a quarter hour: forecast the next hour, then add the quarter's occupancy to the profile.
        mutating func forecast(quarter: Int64, at time: Timestamp) {
            state.lastQuarter = quarter
            let total = state.total
            guard total.capacity > 0 else { return }
            let share = Double(total.occupied) / Double(total.capacity)
            let slot = OccupancyProfile.slot(ofQuarter: quarter)
            let (shares, weight) = state.profile.forecast(share: share, previousShare: state.previousShare, slot: slot)
            let steps = shares.enumerated().map { k, s in
                OccupancyForecast.Step(
                    time: Timestamp(microseconds: time.microseconds + Int64(k + 1) * OccupancyProfile.quarter * 1_000_000),
                    occupied: Int((s * Double(total.capacity)).rounded()))
            }
            emit(OccupancyForecast(facilityID: facility, capacity: total.capacity, occupied: total.occupied, steps: steps, profileWeight: weight),
                 topic: projection.topics[.parkingForecasts], cause: ["forecast", String(quarter)], time: time, sensor: nil)
            rows.append(.forecast(facilityID: facility, issuedAt: time, capacity: total.capacity, steps: steps))
            state.profile.record(share: share, slot: slot)
            state.previousShare = share
        }

        func result() -> FoldResult<FacilityState, ParkingRow> {
            guard changed else { return FoldResult(state: state) }
            var rows = self.rows
            for id in changedSpots.sorted() { rows.append(.spot(facilityID: facility, spotID: id, state.spots[id]!)) }
            for id in changedGates.sorted() { rows.append(.gate(facilityID: facility, gateID: id, state.gates[id]!)) }
            // The state itself (and the facility summary row) is written once per batch by the store.
            return FoldResult(state: state, rows: rows, derived: derived)
        }
    }
}
