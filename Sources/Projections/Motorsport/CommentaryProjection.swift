import Events

/// Folds a session's timing into race commentary: deterministic, templated English lines ("Lap 56 — LEC sets
/// the fastest lap of the race, 1:19.813"), each with a kind and a priority, as `CommentaryLine` derived events
/// and rows.
///
/// The race events it narrates (fastest laps, personal bests, pit stops, position changes) are the session
/// fold's own: it runs `SessionProjection`'s pure fold on the timing inside its own state, rather than reading
/// the race-events topic, so its lines depend on one totally ordered log (the timing topic) and a replay gives
/// the same lines with the same ids whatever order two topics would have been read in. Tyre changes and
/// retirements come from the same state's transitions; driver identities (`DriverIdentified`) name the cars,
/// and a car nobody named goes by its number.
///
/// Low-priority kinds (position changes, personal bests) are capped per lap, so a busy first lap does not flood
/// the stream; high- and medium-priority lines always pass.
public struct CommentaryProjection: Projection {
    public typealias Input = SessionProjection.Input
    public typealias State = CommentaryState
    public typealias Row = CommentaryRow

    public let name = "motorsport_commentary"
    public let topics: TopicNames
    public var inputTopics: [String] { [topics[.motorsportTiming]] }
    /// Most low-priority lines per lap.
    public let maxLowPriorityPerLap: Int
    private let session: SessionProjection
    private let commentaryTopic: String

    public init(topics: TopicNames = .standard, maxLowPriorityPerLap: Int = 3) {
        self.topics = topics
        self.maxLowPriorityPerLap = max(0, maxLowPriorityPerLap)
        self.session = SessionProjection(topics: topics)
        self.commentaryTopic = topics[.motorsportCommentary]
    }

    public func decode(_ envelope: EventEnvelope) throws(EventValidationError) -> Input { try session.decode(envelope) }

    public func stateKey(of input: Input) -> String { session.stateKey(of: input) }

    /// The timing topic's refusals are dead-lettered once, by `motorsport_session`, which reads it too.
    public func deadLettersRefusals(from topic: String) -> Bool { false }

    public func fold(_ previous: consuming CommentaryState?, _ input: Input) -> FoldResult<CommentaryState, CommentaryRow> {
        var slot = consume previous
        var rows: [CommentaryRow] = [], derived: [DerivedEvent] = []
        fold(&slot, input, rows: &rows, derived: &derived)
        return FoldResult(state: slot!, rows: rows, derived: derived)
    }

    public func fold(_ slot: inout CommentaryState?, _ input: Input, rows: inout [CommentaryRow], derived: inout [DerivedEvent]) {
        // The state moves into the step and back: the only reference, changed in place.
        var speaker = Speaker(projection: self, state: slot.take() ?? CommentaryState(sessionID: stateKey(of: input)))
        defer {
            slot = speaker.state
            rows.append(contentsOf: speaker.rows)
            derived.append(contentsOf: speaker.derived)
        }
        if case .driver(_, let d) = input {
            speaker.state.drivers[d.driverNumber] = d.nameAcronym
            return
        }
        let before = speaker.state.session?.drivers ?? [:]
        var sessionRows: [SessionRow] = [], raceEvents: [DerivedEvent] = []
        session.fold(&speaker.state.session, input, rows: &sessionRows, derived: &raceEvents)
        for event in raceEvents { speaker.narrate(event) }
        guard let meta = input.meta, let after = speaker.state.session?.drivers else { return }
        for (car, now) in after.sorted(by: { $0.key < $1.key }) {
            let was = before[car]
            if now.retired, was?.retired != true {
                speaker.say(
                    .retirement, car: car, lap: now.lapsCompleted, cause: meta.id, time: meta.eventTime, ingest: meta.ingestTime,
                    "\(speaker.name(car)) retires" + (input.retirementReason.map { " (\($0))" } ?? ""))
            }
            if now.stintNumber > 1, now.stintNumber > (was?.stintNumber ?? 0), let compound = now.compound, compound != .unknown {
                speaker.say(
                    .tyres, car: car, lap: now.stintLapStart, cause: meta.id + "/stint/\(now.stintNumber)", time: meta.eventTime,
                    ingest: meta.ingestTime, "\(speaker.name(car)) goes onto \(compound.rawValue.lowercased()) tyres")
            }
        }
    }

    /// One step's narration: the state and what it said.
    struct Speaker {
        let projection: CommentaryProjection
        var state: CommentaryState
        var rows: [CommentaryRow] = []
        var derived: [DerivedEvent] = []

        func name(_ car: Int) -> String { state.drivers[car] ?? "#\(car)" }

        mutating func narrate(_ event: DerivedEvent) {
            let cause = event.id, time = event.eventTime, ingest = event.ingestTime
            switch event.payload {
            case let e as FastestLapSet:
                say(.fastestLap, car: e.driverNumber, lap: e.lapNumber, cause: cause, time: time, ingest: ingest,
                    "\(name(e.driverNumber)) sets the fastest lap of the race, \(CommentaryLine.lapTime(e.lapDuration))")
            case let e as PersonalBest where e.previousLapDuration != nil:
                say(.personalBest, car: e.driverNumber, lap: e.lapNumber, cause: cause, time: time, ingest: ingest,
                    "\(name(e.driverNumber)) improves to \(CommentaryLine.lapTime(e.lapDuration)), a personal best")
            case let e as PitStopCompleted:
                var text = "\(name(e.driverNumber)) pits"
                if let stop = e.stopDuration { text += ", \(CommentaryLine.seconds(stop)) s stationary" }
                if e.pitCount > 1 { text += " (stop \(e.pitCount))" }
                say(.pitStop, car: e.driverNumber, lap: e.lapNumber, cause: cause, time: time, ingest: ingest, text)
            case let e as PositionChanged where e.to < e.from:
                let passed = e.passed.map(name)
                if e.to == 1 {
                    let from = passed.first.map { " from \($0)" } ?? ""
                    say(.leadChange, car: e.driverNumber, lap: e.lapNumber, cause: cause, time: time, ingest: ingest,
                        "\(name(e.driverNumber)) takes the lead\(from)")
                } else {
                    let whom = passed.isEmpty ? "" : " \(CommentaryLine.list(passed))"
                    say(.positionChange, car: e.driverNumber, lap: e.lapNumber, cause: cause, time: time, ingest: ingest,
                        "\(name(e.driverNumber)) passes\(whom) for P\(e.to)")
                }
            default:
                break  // pace predictions, a first personal best, places lost: not worth a line
            }
        }

        mutating func say(
            _ kind: CommentaryLine.Kind, car: Int, lap: Int, cause: String, time: Timestamp, ingest: Timestamp, _ text: String
        ) {
            if kind.priority == .low {
                guard state.lowPriorityLines(onLap: lap) < projection.maxLowPriorityPerLap else { return }
                state.countLowPriorityLine(onLap: lap)
            }
            let line = CommentaryLine(sessionID: state.sessionID, lapNumber: lap, driverNumber: car, kind: kind, text: "Lap \(lap) — \(text)")
            let event = DerivedEvent(
                topic: projection.commentaryTopic, payload: line, id: EventID.derived(projection.name, cause, kind.rawValue),
                source: projection.name, eventTime: time, ingestTime: ingest)
            derived.append(event)
            rows.append(CommentaryRow(time: time, id: event.id, line: line))
        }
    }
}

extension SessionProjection.Input {
    /// The envelope fields of the timing event.
    var meta: EventMeta? {
        switch self {
        case .lap(let m, _), .pit(let m, _), .stint(let m, _), .position(let m, _), .interval(let m, _), .retired(let m, _),
            .driver(let m, _):
            m
        }
    }

    var retirementReason: String? {
        if case .retired(_, let r) = self { return r.reason }
        return nil
    }
}

extension CommentaryLine {
    /// `79.813` → `1:19.813`; under a minute, `59.123`.
    static func lapTime(_ seconds: Double) -> String {
        let millis = Int((seconds * 1000).rounded())
        let minutes = millis / 60_000, rest = millis % 60_000
        let s = rest / 1000, ms = rest % 1000
        let fraction = (ms < 10 ? "00" : ms < 100 ? "0" : "") + String(ms)
        return minutes > 0 ? "\(minutes):\(s < 10 ? "0" : "")\(s).\(fraction)" : "\(s).\(fraction)"
    }

    /// Seconds to one decimal: `2.4`.
    static func seconds(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }

    /// `A`, `A and B`, `A, B and C`.
    static func list(_ names: [String]) -> String {
        guard names.count > 1 else { return names.first ?? "" }
        return names.dropLast().joined(separator: ", ") + " and " + names.last!
    }
}
