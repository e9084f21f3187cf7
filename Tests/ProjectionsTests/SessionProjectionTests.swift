import Events
import Projections
import Testing

@Suite struct SessionProjectionTests {
    let projection = SessionProjection()
    let t0 = Timestamp(iso8601: "2024-03-24T04:00:00Z")!

    func meta(_ id: String, _ seconds: Double) -> EventMeta {
        let t = t0.adding(microseconds: Int64(seconds * 1e6))
        return EventMeta(id: id, eventTime: t, ingestTime: t)
    }

    func lap(_ driver: Int, _ n: Int, at seconds: Double, _ duration: Double?, sectors: [Double?] = [nil, nil, nil]) -> SessionProjection.Input {
        .lap(meta("lap-\(driver)-\(n)", seconds), LapCompleted(
            sessionID: "s", driverNumber: driver, lapNumber: n, lapDuration: duration, sector1: sectors[0], sector2: sectors[1], sector3: sectors[2]))
    }

    /// Three cars, three laps: car 2 passes car 1 on lap 2; car 3 pits on lap 2 and retires after it.
    var race: [SessionProjection.Input] {
        [
            .stint(meta("stint-1", 0), StintReported(sessionID: "s", driverNumber: 1, stintNumber: 1, compound: .medium, lapStart: 1, lapEnd: nil, tyreAgeAtStart: 2)),
            lap(1, 1, at: 100, nil, sectors: [30, 35, nil]),
            lap(2, 1, at: 101, 101, sectors: [31, 34, 36]),
            lap(3, 1, at: 105, 105),
            lap(2, 2, at: 189, 88, sectors: [29, 30, 29]),
            lap(1, 2, at: 190, 90),
            .pit(meta("pit-3-2", 195), PitStopReported(sessionID: "s", driverNumber: 3, lapNumber: 2, laneDuration: 21.5, stopDuration: 2.5)),
            lap(3, 2, at: 200, 95),
            .retired(meta("out-3", 210), DriverRetired(sessionID: "s", driverNumber: 3, lapNumber: 2)),
            lap(2, 3, at: 279, 90),
            lap(1, 3, at: 280, 90),
        ]
    }

    func run(_ inputs: [SessionProjection.Input], from state: SessionState? = nil) -> (SessionState?, [SessionRow], [DerivedEvent]) {
        var state = state
        var rows: [SessionRow] = [], derived: [DerivedEvent] = []
        for input in inputs {
            let r = projection.fold(state, input)
            state = r.state
            rows += r.rows
            derived += r.derived
        }
        return (state, rows, derived)
    }

    @Test func scriptedRaceGivesTheHandComputedLeaderboardAndEvents() throws {
        let (state, rows, derived) = run(race)
        let s = try #require(state)
        let order = s.classification
        #expect(order.map(\.driverNumber) == [2, 1, 3])
        let d1 = s.drivers[1]!, d2 = s.drivers[2]!, d3 = s.drivers[3]!
        #expect([d2.position, d1.position, d3.position] == [1, 2, 3])
        #expect(d2.lapsCompleted == 3 && d1.lapsCompleted == 3 && d3.lapsCompleted == 2)
        #expect(d1.gapToLeader == 1.0 && d1.interval == 1.0)
        #expect(d2.gapToLeader == 0 && d2.interval == nil)
        #expect(d2.bestLap == 88 && d2.bestLapNumber == 2 && d1.bestLap == 90 && d1.lastLap == 90)
        #expect(d3.retired && d3.pitCount == 1)
        // Tyres: medium from lap 1 with 2 laps on them → 5 laps old after 3 laps.
        #expect(d1.compound == .medium && d1.tyreAge == 5)
        #expect(d1.bestSectors[0] == 30 && d1.bestSectors[2] == nil)
        #expect(s.bestSectors == [29, 30, 29] && s.bestSectorDrivers == [2, 2, 2])
        #expect(s.fastestLap?.driver == 2 && s.fastestLap?.duration == 88)

        let events = try derived.map { try $0.envelope() }
        let fastest = try events.filter { $0.type == FastestLapSet.eventType }.map { try $0.decode(FastestLapSet.self) }
        #expect(fastest.map(\.lapDuration) == [101, 88])
        #expect(fastest.map(\.previousLapDuration) == [nil, 101])
        let bests = try events.filter { $0.type == PersonalBest.eventType }.map { try $0.decode(PersonalBest.self) }
        #expect(bests.map { [$0.driverNumber, $0.lapNumber] } == [[2, 1], [3, 1], [2, 2], [1, 2], [3, 2]])
        let pits = try events.filter { $0.type == PitStopCompleted.eventType }.map { try $0.decode(PitStopCompleted.self) }
        #expect(pits.map { [$0.driverNumber, $0.lapNumber, $0.pitCount] } == [[3, 2, 1]])
        let passes = try events.filter { $0.type == PositionChanged.eventType }.map { try $0.decode(PositionChanged.self) }
        #expect(passes.map { [$0.driverNumber, $0.from, $0.to] } == [[2, 2, 1]])
        #expect(passes.first?.passed == [1])
        #expect(derived.allSatisfy { $0.topic == TopicNames.standard[.motorsportRaceEvents] && $0.key == "s" })
        #expect(Set(derived.map(\.id)).count == derived.count)

        // Every derived event is also a row for "events since" queries.
        let eventRows = rows.compactMap { if case .raceEvent(let e) = $0 { e } else { nil } }
        #expect(eventRows.map(\.event.id) == derived.map(\.id))
        #expect(eventRows.first { $0.event.type == PitStopCompleted.eventType }?.driverNumber == 3)
        let laps = rows.compactMap { if case .lap(let l) = $0 { l } else { nil } }
        #expect(laps.count == 8)
        #expect(laps.first { $0.lap.driverNumber == 1 && $0.lap.lapNumber == 1 }?.lap.lapDuration == nil)
        #expect(laps.first { $0.lap.driverNumber == 1 }?.compound == .medium)
    }

    @Test func replayingTheSameEventsChangesNothingAndEmitsNothing() {
        let (state, _, _) = run(race)
        let (again, rows, derived) = run(race, from: state)
        #expect(again == state)
        #expect(rows.isEmpty)
        #expect(derived.isEmpty)
    }

    @Test func foldingFromRestoredStateEqualsFoldingStraightThrough() throws {
        let all = race
        let (straight, _, straightEvents) = run(all)
        let (half, _, firstEvents) = run(Array(all.prefix(5)))
        var w = JSONWriter()
        half!.encode(to: &w)
        let restored = try SessionState(json: try JSONParser.parse(w.bytes))
        #expect(restored == half)
        let (resumed, _, restEvents) = run(Array(all.dropFirst(5)), from: restored)
        #expect(resumed == straight)
        #expect((firstEvents + restEvents).map(\.id) == straightEvents.map(\.id))
    }

    @Test func degradationFitByHand() throws {
        let exact = try #require(DegradationFit(ages: [1, 2, 3, 4], seconds: [90.0, 90.1, 90.2, 90.3]))
        #expect(abs(exact.slope - 0.1) < 1e-9 && abs(exact.intercept - 89.9) < 1e-9)
        #expect(abs(exact.predict(age: 5).seconds - 90.4) < 1e-9 && exact.predict(age: 5).uncertainty < 1e-6)
        // ages 1,2,3 → 90.0, 90.2, 90.1: slope 0.05, intercept 90.0, SSE 0.015, s = √0.015;
        // at age 4 the leverage is 1 + 1/3 + (4 − 2)²/2 = 10/3.
        let noisy = try #require(DegradationFit(ages: [1, 2, 3], seconds: [90.0, 90.2, 90.1]))
        #expect(abs(noisy.slope - 0.05) < 1e-9 && abs(noisy.intercept - 90.0) < 1e-9)
        let p = noisy.predict(age: 4)
        #expect(abs(p.seconds - 90.2) < 1e-9)
        #expect(abs(p.uncertainty - (0.015.squareRoot() * (10.0 / 3).squareRoot())) < 1e-9)
        #expect(DegradationFit(ages: [1, 2], seconds: [90, 91]) == nil)
        #expect(DegradationFit(ages: [3, 3, 3], seconds: [90, 91, 92]) == nil)
    }

    @Test func pacePredictionsComeFromTheStintsCleanLaps() throws {
        let stint1 = StintReported(sessionID: "s", driverNumber: 1, stintNumber: 1, compound: .soft, lapStart: 1, lapEnd: nil, tyreAgeAtStart: 0)
        let stint2 = StintReported(sessionID: "s", driverNumber: 1, stintNumber: 2, compound: .hard, lapStart: 7, lapEnd: nil, tyreAgeAtStart: 0)
        let (state, rows, derived) = run([
            .stint(meta("st1", 0), stint1),
            lap(1, 1, at: 95, nil),  // lap 1: never clean
            lap(1, 2, at: 185, 90.0),
            lap(1, 3, at: 275.1, 90.1),
            lap(1, 4, at: 375, 99.9),  // safety car: over 107 % of the best, not clean
            lap(1, 5, at: 465.2, 90.2),  // third clean lap: first prediction (lap 6)
            lap(1, 6, at: 558.5, 93.3),  // in-lap, removed when the stop arrives
            .pit(meta("pit", 560), PitStopReported(sessionID: "s", driverNumber: 1, lapNumber: 6, laneDuration: 20)),
            .stint(meta("st2", 578), stint2),
            lap(1, 7, at: 670, 91.5),
        ])
        let paces = try derived.compactMap { d -> PacePredicted? in
            let e = try d.envelope()
            return e.type == PacePredicted.eventType ? try e.decode(PacePredicted.self) : nil
        }
        // Clean laps (age, s) after lap 5: (2, 90.0), (3, 90.1), (5, 90.2). By hand: mean age 10/3, Sxx 14/3,
        // Sxy 0.3 → slope 0.3 / (14/3) = 0.0642857, intercept 90.1 − 0.0642857 × 10/3 = 89.8857143;
        // at age 6: 90.2714.
        #expect(paces.map(\.lapNumber) == [6, 7])
        #expect(paces[0].predictedLapDuration == 90.271 && paces[0].tyreAge == 6 && paces[0].cleanLaps == 3)
        #expect(paces[0].degradation == 0.0643 && paces[0].compound == .soft)
        // Lap 6 (93.3 s, within 107 %) counts until its pit stop arrives: the prediction after it used 4 laps.
        #expect(paces[1].cleanLaps == 4)
        let d = try #require(state?.drivers[1])
        #expect(d.stintNumber == 2 && d.compound == .hard && d.stintLaps.map(\.lap) == [7])
        let stints = rows.compactMap { if case .stint(let s) = $0 { s } else { nil } }
        let lastOfFirst = try #require(stints.last { $0.stintNumber == 1 })
        #expect(lastOfFirst.lapEnd == 6 && lastOfFirst.cleanLaps == 3 && lastOfFirst.fit != nil)
        #expect(stints.last?.stintNumber == 2 && stints.last?.cleanLaps == 1 && stints.last?.fit == nil)
    }

    @Test func gridOrderComesFromTheFeedBeforeTheFirstLap() {
        let (state, _, _) = run([
            .position(meta("p1", 0), PositionReported(sessionID: "s", driverNumber: 44, position: 2)),
            .position(meta("p2", 0), PositionReported(sessionID: "s", driverNumber: 1, position: 1)),
            .interval(meta("i1", 0), IntervalReported(sessionID: "s", driverNumber: 16, gapToLeader: nil, interval: nil)),
        ])
        #expect(state?.drivers[44]?.position == 2)
        #expect(state?.drivers[1]?.position == 1)
        #expect(state?.drivers[16] != nil)
    }

    @Test func carsYetToCrossTheLineKeepTheirGridOrder() {
        // Grid: 44, 1, 16. Car 16 crosses first: it leads; 44 and 1 keep their grid order behind it, and the
        // only pass told is car 16's.
        let (state, _, derived) = run([
            .position(meta("g1", 0), PositionReported(sessionID: "s", driverNumber: 44, position: 1)),
            .position(meta("g2", 0), PositionReported(sessionID: "s", driverNumber: 1, position: 2)),
            .position(meta("g3", 0), PositionReported(sessionID: "s", driverNumber: 16, position: 3)),
            lap(16, 1, at: 95, nil),
        ])
        #expect(state?.classification.map(\.driverNumber) == [16, 44, 1])
        let passes = derived.compactMap { try? $0.envelope().decode(PositionChanged.self) }
        #expect(passes.map(\.driverNumber) == [16])
        #expect(passes.first?.passed == [1, 44])
    }
}

@Suite struct TelemetryProjectionTests {
    let projection = TelemetryProjection()

    func sample(_ ms: Int64, speed: Int, brake: Int = 0) -> TelemetryProjection.Input {
        let t = Timestamp(milliseconds: 1_711_252_800_000 + ms)
        return (EventMeta(id: "c\(ms)", eventTime: t, ingestTime: t),
                CarSample(sessionID: "s", driverNumber: 1, speed: speed, throttle: 100 - brake, brake: brake, gear: speed / 40, rpm: 10_000, drs: 0))
    }

    @Test func secondsAggregateAndRepeatsCountOnce() {
        var state: CarTelemetryState?
        var seconds: [Int64: TelemetrySecond] = [:]
        var raw = 0
        // 0.0 s, 0.5 s, 1.0 s, then a repeat of 0.5 s and a late 0.8 s (within the window): 4 samples.
        for input in [sample(0, speed: 100), sample(500, speed: 200, brake: 100), sample(1_000, speed: 300), sample(500, speed: 200, brake: 100), sample(800, speed: 120)] {
            let r = projection.fold(state, input)
            state = r.state
            for row in r.rows {
                switch row {
                case .sample: raw += 1
                case .second(let p): if seconds[p.second.microseconds] == nil { seconds[p.second.microseconds] = p } else { seconds[p.second.microseconds]!.merge(p) }
                }
            }
        }
        #expect(raw == 4)
        let first = seconds[1_711_252_800_000_000]!
        #expect(first.samples == 3 && first.speedMin == 100 && first.speedMax == 200 && first.speedSum == 420)
        #expect(first.brakeSamples == 1 && first.throttleSum == 100 + 0 + 100 && first.gearMax == 5)
        #expect(seconds[1_711_252_801_000_000]?.samples == 1)
        // Older than every remembered sample: dropped (could be a repeat from a re-sent stretch).
        var s = state!
        s.recentTimes = [Timestamp(milliseconds: 1_711_252_800_500).microseconds]
        #expect(projection.fold(s, sample(0, speed: 100)).rows.isEmpty)
    }
}
