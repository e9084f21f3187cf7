import Events
import Projections
import Testing

@Suite struct WaitTimesProjectionTests {
    let projection = WaitTimesProjection()
    // Thursday 2024-05-23, 10:xx UTC.
    let t0 = Timestamp(iso8601: "2024-05-23T10:15:00Z")!

    func input(_ id: String, _ time: Timestamp, _ wait: Int?, _ status: AttractionStatus, zone: String? = nil)
        -> WaitTimesProjection.Input
    {
        (
            EventMeta(id: id, eventTime: time, ingestTime: time),
            WaitTimeObserved(parkID: "4", attractionID: "ride", waitMinutes: wait, status: status, timeZone: zone)
        )
    }

    func observations(_ rows: [WaitTimesRow]) -> [WaitObservationRow] {
        rows.compactMap { if case .observation(let o) = $0 { o } else { nil } }
    }

    /// A changed baseline as the store writes it: the slot a row names, with the histogram the state holds.
    struct Baseline {
        var dayOfWeek: Int, hour: Int, histogram: WaitHistogram
        var p50: Int? { histogram.percentile(0.5) }
        var p90: Int? { histogram.percentile(0.9) }
    }

    func baselines(_ r: FoldResult<AttractionState, WaitTimesRow>) -> [Baseline] {
        r.rows.compactMap {
            guard case .baselineChanged(let slot) = $0 else { return nil }
            #expect(slot.parkID == r.state.parkID && slot.attractionID == r.state.attractionID)
            return Baseline(dayOfWeek: slot.dayOfWeek, hour: slot.hour, histogram: r.state.baselines[slot.index] ?? WaitHistogram())
        }
    }

    @Test func scriptedSequence() throws {
        // 1. First open reading.
        let r1 = projection.fold(nil, input("e1", t0, 30, .operating))
        #expect(observations(r1.rows).map(\.waitMinutes) == [30])
        #expect(baselines(r1).map { [$0.dayOfWeek, $0.hour, $0.p50!, $0.p90!] } == [[3, 10, 30, 30]])
        #expect(r1.state.status == .operating)
        #expect(r1.state.statusSince == t0)
        #expect(r1.derived.count == 1)
        let update = try r1.derived[0].envelope().decode(AttractionWaitUpdated.self)
        #expect(update.baselineP50 == 30)
        #expect(update.parkID == "4")
        #expect(try r1.derived[0].envelope().key == "4")
        #expect(r1.derived[0].topic == TopicNames.standard[.parksAttractionUpdates])
        #expect(try r1.derived[0].envelope().id == EventID.derived("parks_wait_times", "e1"))

        // 2. The feed re-posts the same reading: nothing changes, nothing is written.
        let r2 = projection.fold(r1.state, input("e2", t0, 30, .operating))
        #expect(r2.rows.isEmpty)
        #expect(r2.derived.isEmpty)
        #expect(r2.state == r1.state)

        // 3. Breakdown: no wait, status changes, no baseline sample.
        let t1 = t0.adding(seconds: 300)
        let r3 = projection.fold(r2.state, input("e3", t1, nil, .down))
        #expect(baselines(r3).isEmpty)
        #expect(r3.state.status == .down)
        #expect(r3.state.statusSince == t1)
        #expect(r3.state.waitMinutes == nil)
        #expect(try r3.derived[0].envelope().decode(AttractionWaitUpdated.self).waitMinutes == nil)

        // 4. A late (older) open reading: history and baseline take it, current state does not go back.
        let r4 = projection.fold(r3.state, input("e4", t0.adding(seconds: -600), 60, .operating))
        #expect(observations(r4.rows).count == 1)
        #expect(baselines(r4).map { [$0.p50!, $0.p90!, Int($0.histogram.total)] } == [[30, 60, 2]])
        #expect(r4.state.status == .down)
        #expect(r4.state.observedAt == t1)
        #expect(r4.derived.isEmpty)

        // 5. Reopens at the same hour with 20: baseline {20, 30, 60} → P50 30, P90 60.
        let r5 = projection.fold(r4.state, input("e5", t1.adding(seconds: 300), 20, .operating))
        #expect(baselines(r5).map { [$0.p50!, $0.p90!] } == [[30, 60]])
        #expect(r5.state.statusSince == t1.adding(seconds: 300))
        #expect(r5.state.waitMinutes == 20)
        #expect(try r5.derived.map { try $0.envelope().decode(AttractionWaitUpdated.self).baselineP50 } == [30])
        #expect(r5.state.publishedBaselineP50 == 30)

        // 6. Five minutes later the same wait again, but the slot's P50 moves: published.
        let t2 = t1.adding(seconds: 600)
        let r6 = projection.fold(r5.state, input("e6", t2, 20, .operating))
        #expect(observations(r6.rows).count == 1)
        #expect(baselines(r6).map { [$0.p50!, Int($0.histogram.total)] } == [[20, 4]])
        #expect(r6.state.observedAt == t2)
        // {20, 20, 30, 60}: nearest-rank P50 is 20, a change of baseline: published.
        #expect(try r6.derived.map { try $0.envelope().decode(AttractionWaitUpdated.self).baselineP50 } == [20])

        // 7. Same wait, P50 unchanged ({20, 20, 20, 30, 60} → 20): not re-published, current state still moves.
        let t3 = t2.adding(seconds: 300)
        let r7 = projection.fold(r6.state, input("e7", t3, 20, .operating))
        #expect(r7.derived.isEmpty)
        #expect(r7.state.observedAt == t3)
        #expect(observations(r7.rows).map(\.time) == [t3])

        // 8. The wait changes: published again.
        let r8 = projection.fold(r7.state, input("e8", t3.adding(seconds: 300), 25, .operating))
        #expect(try r8.derived.map { try $0.envelope().decode(AttractionWaitUpdated.self).waitMinutes } == [25])
    }

    @Test func baselinesUseParkLocalHours() {
        // 10:15 UTC is 03:15 in Los Angeles (PDT, UTC−7) on the same Thursday.
        let r = projection.fold(nil, input("e1", t0, 15, .operating, zone: "America/Los_Angeles"))
        #expect(baselines(r).map { [$0.dayOfWeek, $0.hour] } == [[3, 3]])
        // 02:00 UTC on Thursday is Wednesday 19:00 in Los Angeles.
        let r2 = projection.fold(r.state, input("e2", Timestamp(iso8601: "2024-05-23T02:00:00Z")!, 15, .operating))
        #expect(baselines(r2).map { [$0.dayOfWeek, $0.hour] } == [[2, 19]])
    }

    @Test func closedRidesReportingZeroDoNotPolluteBaselines() {
        let r = projection.fold(nil, input("e1", t0, 0, .closed))
        #expect(baselines(r).isEmpty)
        #expect(r.state.waitMinutes == nil)
    }

    @Test func decodeRejectsOtherTypes() {
        let e = EventEnvelope(
            ParkScheduleUpdated(parkID: "1", date: "2024-05-23", opensAt: t0, closesAt: t0.adding(seconds: 3600)),
            source: "t", eventTime: t0)
        #expect(throws: EventValidationError.self) { try projection.decode(e) }
    }

    /// The runtime's in-place step (on the state in its dictionary slot, appending to the batch's arrays) and
    /// its batch step give what handing states around by hand gives, key by key.
    @Test func foldingInPlaceInADictionaryEqualsFoldingByHand() {
        let waits: [(String, Int?, AttractionStatus)] = [
            ("ride", 10, .operating), ("coaster", 45, .operating), ("ride", 15, .operating), ("coaster", nil, .down),
            ("ride", 15, .operating), ("coaster", 30, .operating),
        ]
        var states: [String: AttractionState] = [:]
        var byHand: [String: AttractionState] = [:]
        var inPlace: ([WaitTimesRow], [DerivedEvent]) = ([], [])
        var handRows: ([WaitTimesRow], [DerivedEvent]) = ([], [])
        for (i, (ride, wait, status)) in waits.enumerated() {
            let time = t0.adding(seconds: Int64(i) * 300)
            let input: WaitTimesProjection.Input = (
                EventMeta(id: "e\(i)", eventTime: time, ingestTime: time),
                WaitTimeObserved(parkID: "4", attractionID: ride, waitMinutes: wait, status: status)
            )
            let key = projection.stateKey(of: input)
            projection.fold(&states[key], input, rows: &inPlace.0, derived: &inPlace.1)
            let r = projection.fold(byHand[key], input)
            byHand[key] = r.state
            handRows.0 += r.rows
            handRows.1 += r.derived
        }
        #expect(states == byHand)
        #expect(states.count == 2)
        #expect(inPlace.0 == handRows.0)
        #expect(inPlace.1 == handRows.1)
        // Every step changes a wait, a status or (the second 15-minute reading) the baseline P50: 10 → 15.
        #expect(inPlace.1.count == 6)

        // The runtime's batch step: the same rows and derived events in order, and each touched key's final
        // state; a key the batch did not touch is not in `touched`, though its state is kept.
        var batchStates: [String: AttractionState] = ["4/other": AttractionState(parkID: "4", attractionID: "other")]
        let inputs = waits.enumerated().map { i, w in
            let time = t0.adding(seconds: Int64(i) * 300)
            let input: WaitTimesProjection.Input = (
                EventMeta(id: "e\(i)", eventTime: time, ingestTime: time),
                WaitTimeObserved(parkID: "4", attractionID: w.0, waitMinutes: w.1, status: w.2)
            )
            return (key: projection.stateKey(of: input), input: input)
        }
        let batch = projection.fold(batch: inputs, states: &batchStates)
        #expect(batch.rows == inPlace.0)
        #expect(batch.derived == inPlace.1)
        #expect(batch.touched == byHand)
        #expect(batchStates.count == 3)
    }
}
