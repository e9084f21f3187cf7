import Events
import Projections
import Testing

@Suite struct CrowdProjectionTests {
    let projection = CrowdProjection(sampleIntervalSeconds: 300)
    let t0 = Timestamp(iso8601: "2024-05-23T10:00:00Z")!

    func update(_ id: String, _ ride: String, _ wait: Int?, _ status: AttractionStatus, p50: Int?, at seconds: Int64)
        -> CrowdProjection.Input
    {
        let t = t0.adding(seconds: seconds)
        return .update(
            EventMeta(id: id, eventTime: t, ingestTime: t),
            AttractionWaitUpdated(parkID: "P", attractionID: ride, waitMinutes: wait, status: status, baselineP50: p50, observedAt: t))
    }

    func levels(_ r: FoldResult<ParkCrowdState, CrowdRow>) throws -> [CrowdLevelChanged] {
        try r.derived.map { try $0.envelope().decode(CrowdLevelChanged.self) }
    }

    @Test func scriptedPark() throws {
        // A: 30 vs usual 30 → ratio 1.0 → moderate (first level: emitted).
        let r1 = projection.fold(nil, update("e1", "A", 30, .operating, p50: 30, at: 0))
        #expect(try levels(r1).map(\.level) == [.moderate])
        #expect(try levels(r1).first?.previousLevel == nil)
        #expect(r1.state.ratio == 1.0)

        // B: 60 vs 30 → mean 45 / 30 = 1.5 → very high.
        let r2 = projection.fold(r1.state, update("e2", "B", 60, .operating, p50: 30, at: 60))
        let l2 = try levels(r2)
        #expect(l2.map(\.level) == [.veryHigh])
        #expect(l2.first?.previousLevel == .moderate)
        #expect(l2.first?.meanWaitMinutes == 45)
        #expect(l2.first?.baselineMeanMinutes == 30)
        #expect(l2.first?.openAttractions == 2)

        // A re-sent (relay repeat after a crash): dropped entirely.
        let r3 = projection.fold(r2.state, update("e1", "A", 30, .operating, p50: 30, at: 0))
        #expect(r3.rows.isEmpty && r3.derived.isEmpty)
        #expect(r3.state == r2.state)

        // A goes up to 36: mean 48 / 30 = 1.6, still very high → no event.
        let r4 = projection.fold(r3.state, update("e4", "A", 36, .operating, p50: 30, at: 120))
        #expect(r4.derived.isEmpty)
        #expect(abs((r4.state.ratio ?? 0) - 1.6) < 1e-9)

        // A breaks down: only B counts, 60 / 30 = 2.0 → extreme.
        let r5 = projection.fold(r4.state, update("e5", "A", nil, .down, p50: 30, at: 180))
        #expect(try levels(r5).map(\.level) == [.extreme])
        #expect(r5.state.levelSince == t0.adding(seconds: 180))

        // B closes too: no reading, level kept, nothing emitted.
        let r6 = projection.fold(r5.state, update("e6", "B", nil, .closed, p50: 30, at: 240))
        #expect(r6.derived.isEmpty)
        #expect(r6.state.level == .extreme)
    }

    @Test func historySamplesAtChangesAndAtInterval() {
        var state: ParkCrowdState?
        var samples: [Int64] = []
        for (i, at) in [0, 60, 120, 300, 360, 700].enumerated() {
            let r = projection.fold(state, update("e\(i)", "A", 30, .operating, p50: 30, at: Int64(at)))
            state = r.state
            for row in r.rows { if case .sample(let s) = row { samples.append(s.time.seconds - t0.seconds) } }
        }
        // Change at 0, then every ≥ 300 s.
        #expect(samples == [0, 300, 700])
    }

    @Test func attractionsWithoutBaselineAreIgnored() {
        let r = projection.fold(nil, update("e1", "A", 30, .operating, p50: nil, at: 0))
        #expect(r.derived.isEmpty)
        #expect(r.state.level == nil)
    }

    @Test func schedulesPassThrough() {
        let s = ParkScheduleUpdated(parkID: "P", date: "2024-05-23", opensAt: t0, closesAt: t0.adding(seconds: 36000))
        let r = projection.fold(nil, .schedule(EventMeta(id: "s", eventTime: t0, ingestTime: t0), s))
        #expect(r.rows == [.schedule(s)])
        #expect(projection.stateKey(of: .schedule(EventMeta(id: "s", eventTime: t0, ingestTime: t0), s)) == "P")
    }
}
