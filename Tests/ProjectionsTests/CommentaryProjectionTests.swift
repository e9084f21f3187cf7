import Events
@testable import Projections
import Testing

@Suite struct CommentaryProjectionTests {
    let t0 = Timestamp(iso8601: "2024-03-24T04:00:00Z")!

    func meta(_ id: String, _ seconds: Double) -> EventMeta {
        let t = t0.adding(microseconds: Int64(seconds * 1e6))
        return EventMeta(id: id, eventTime: t, ingestTime: t)
    }

    func lap(_ driver: Int, _ n: Int, at seconds: Double, _ duration: Double?) -> SessionProjection.Input {
        .lap(meta("lap-\(driver)-\(n)", seconds), LapCompleted(sessionID: "s", driverNumber: driver, lapNumber: n, lapDuration: duration))
    }

    func driver(_ n: Int, _ acronym: String) -> SessionProjection.Input {
        .driver(meta("driver-\(n)", 0), DriverIdentified(sessionID: "s", driverNumber: n, nameAcronym: acronym))
    }

    /// Three cars, three laps: car 2 (LEC) takes the lead from car 1 (VER) on lap 2; car 3, whom nobody named,
    /// pits on lap 2, goes onto hard tyres and retires.
    var race: [SessionProjection.Input] {
        [
            driver(1, "VER"), driver(2, "LEC"),
            .stint(meta("stint-1", 0), StintReported(sessionID: "s", driverNumber: 1, stintNumber: 1, compound: .medium, lapStart: 1, lapEnd: nil, tyreAgeAtStart: 2)),
            lap(1, 1, at: 100, nil),
            lap(2, 1, at: 101, 101),
            lap(3, 1, at: 105, 105),
            lap(2, 2, at: 189, 88),
            lap(1, 2, at: 190, 90),
            .pit(meta("pit-3-2", 195), PitStopReported(sessionID: "s", driverNumber: 3, lapNumber: 2, laneDuration: 21.5, stopDuration: 2.46)),
            .stint(meta("stint-3-2", 196), StintReported(sessionID: "s", driverNumber: 3, stintNumber: 2, compound: .hard, lapStart: 3, lapEnd: nil, tyreAgeAtStart: 0)),
            lap(3, 2, at: 200, 95),
            .retired(meta("out-3", 210), DriverRetired(sessionID: "s", driverNumber: 3, lapNumber: 2, reason: "gearbox")),
            lap(2, 3, at: 279, 90),
            lap(1, 3, at: 280, 90),
        ]
    }

    func run(_ inputs: [SessionProjection.Input], _ projection: CommentaryProjection = CommentaryProjection(), from state: CommentaryState? = nil)
        -> (CommentaryState?, [CommentaryRow], [DerivedEvent])
    {
        var slot = state
        var rows: [CommentaryRow] = [], derived: [DerivedEvent] = []
        for input in inputs { projection.fold(&slot, input, rows: &rows, derived: &derived) }
        return (slot, rows, derived)
    }

    @Test func aScriptedRaceIsToldInTheseLines() throws {
        let (_, rows, derived) = run(race)
        #expect(rows.map(\.line.text) == [
            "Lap 1 — LEC sets the fastest lap of the race, 1:41.000",
            "Lap 2 — LEC improves to 1:28.000, a personal best",
            "Lap 2 — LEC sets the fastest lap of the race, 1:28.000",
            "Lap 2 — LEC takes the lead from VER",
            "Lap 2 — #3 pits, 2.5 s stationary",
            "Lap 3 — #3 goes onto hard tyres",
            "Lap 2 — #3 improves to 1:35.000, a personal best",
            "Lap 2 — #3 retires (gearbox)",
        ])
        #expect(rows.map(\.line.kind) == [.fastestLap, .personalBest, .fastestLap, .leadChange, .pitStop, .tyres, .personalBest, .retirement])
        #expect(rows.map(\.line.priority) == [.high, .low, .high, .high, .medium, .medium, .low, .high])
        #expect(rows.map(\.line.driverNumber) == [2, 2, 2, 2, 3, 3, 3, 3])
        // Each line is a derived event on the commentary topic, keyed by session, that decodes back.
        #expect(derived.count == rows.count)
        #expect(derived.allSatisfy { $0.topic == TopicNames.standard[.motorsportCommentary] && $0.key == "s" })
        let decoded = try derived.map { try $0.envelope().decode(CommentaryLine.self) }
        #expect(decoded == rows.map(\.line))
        #expect(derived.map(\.id) == rows.map(\.id))
        #expect(Set(rows.map(\.id)).count == rows.count)
        // A line's time is its cause's: the lead change when LEC completed lap 2.
        #expect(rows[3].time == t0.adding(seconds: 189))
    }

    @Test func theSameLogGivesTheSameLinesAndRepeatsSayNothing() throws {
        let (_, first, firstDerived) = run(race)
        let (_, second, secondDerived) = run(race)
        #expect(first == second)
        #expect(firstDerived == secondDerived)
        // Cut anywhere, stored as JSON and read back (a restart), the rest goes on identically.
        for cut in 0...race.count {
            let (state, before, _) = run(Array(race[..<cut]))
            let restored = try state.map { s in
                var w = JSONWriter()
                s.encode(to: &w)
                return try CommentaryState(json: try JSONParser.parse(w.takeBytes()))
            }
            #expect(restored == state)
            let (_, after, _) = run(Array(race[cut...]), from: restored)
            #expect(before + after == first, "cut at \(cut)")
        }
        // The feed sends laps again: nothing new is said.
        let (state, _, _) = run(race)
        let (_, again, _) = run(race, from: state)
        #expect(again.isEmpty)
    }

    @Test func lowPriorityLinesAreCappedPerLap() throws {
        let (_, capped, _) = run(race, CommentaryProjection(maxLowPriorityPerLap: 1))
        // Lap 2 had two personal bests: the first is said, the second is not; nothing else is cut.
        #expect(capped.filter { $0.line.priority == .low }.map(\.line.text) == ["Lap 2 — LEC improves to 1:28.000, a personal best"])
        #expect(capped.filter { $0.line.priority != .low }.count == 6)
        let (_, silent, _) = run(race, CommentaryProjection(maxLowPriorityPerLap: 0))
        #expect(silent.allSatisfy { $0.line.priority != .low } && silent.count == 6)
        // A busy lap: ten cars each pass another on lap 5; at most three of those lines.
        var busy: [SessionProjection.Input] = (1...10).map { lap($0, 4, at: 400 + Double($0), 90) }
        busy += (1...10).reversed().map { lap($0, 5, at: 500 + Double(11 - $0), 90) }
        let (_, lines, _) = run(busy)
        let passes = lines.filter { $0.line.kind == .positionChange }
        #expect(passes.count == 3 && passes.allSatisfy { $0.line.lapNumber == 5 })
        #expect(lines.contains { $0.line.kind == .leadChange })
    }

    @Test func lapTimesAndListsReadNaturally() {
        #expect(CommentaryLine.lapTime(79.8134) == "1:19.813")
        #expect(CommentaryLine.lapTime(59.9) == "59.900")
        #expect(CommentaryLine.lapTime(125.004) == "2:05.004")
        #expect(CommentaryLine.seconds(2.46) == "2.5")
        #expect(CommentaryLine.list(["A"]) == "A")
        #expect(CommentaryLine.list(["A", "B", "C"]) == "A, B and C")
    }
}
