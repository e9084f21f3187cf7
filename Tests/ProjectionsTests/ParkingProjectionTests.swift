import Events
import Projections
import Testing

@Suite struct ParkingProjectionTests {
    let projection = ParkingProjection()
    /// Monday 2024-05-20, 10:00 UTC.
    let t0 = Timestamp(iso8601: "2024-05-20T10:00:00Z")!

    func meta(_ id: String, _ seconds: Int64) -> EventMeta {
        let t = t0.adding(seconds: seconds)
        return EventMeta(id: id, eventTime: t, ingestTime: t)
    }

    func read(_ spot: String, _ occupied: Bool, at s: Int64, id: String? = nil) -> ParkingProjection.Input {
        .reading(meta(id ?? "r-\(spot)-\(s)", s), SpotReading(facilityID: "F", zone: "A", spotID: spot, occupied: occupied, batteryPercent: 90))
    }

    func beat(_ sensor: String, at s: Int64) -> ParkingProjection.Input {
        .heartbeat(meta("hb-\(sensor)-\(s)", s), SensorHeartbeat(facilityID: "F", sensorID: sensor))
    }

    func layout(capacity: Int, at s: Int64, zone: String = "A", settings: FacilitySettings = FacilitySettings(debounceSeconds: 30, heartbeatAllowanceSeconds: 600)) -> ParkingProjection.Input {
        .layout(meta("layout-\(s)", s), FacilityLayout(facilityID: "F", areas: [.init(zone: zone, capacity: capacity)], settings: settings))
    }

    struct Run {
        var state: FacilityState?
        var rows: [ParkingRow] = []
        var derived: [DerivedEvent] = []
        /// Rows of each step, to see what one event caused.
        var steps: [[ParkingRow]] = []

        var stays: [StayRow] { rows.compactMap { if case .stay(let s) = $0 { s } else { nil } } }
        func occupancy(_ scope: OccupancyScope = .facility) -> [AreaOccupancy] {
            rows.compactMap { if case .occupancy(_, _, let o) = $0, o.scope == scope { o } else { nil } }
        }
        func types() -> [String] { derived.map(\.type) }
    }

    func run(_ inputs: [ParkingProjection.Input], from state: FacilityState? = nil) -> Run {
        var r = Run(state: state)
        for input in inputs {
            let step = projection.fold(r.state, input)
            r.state = step.state
            r.rows += step.rows
            r.derived += step.derived
            r.steps.append(step.rows)
        }
        return r
    }

    /// Four spots, debounce 30 s, heartbeat allowance an hour. Hand-computed: every status change needs 30 s of the facility's clock;
    /// flaps shorter than that never reach occupancy; repeats and late readings change nothing.
    var script: [ParkingProjection.Input] {
        [
            layout(capacity: 4, at: 0, settings: FacilitySettings(debounceSeconds: 30, heartbeatAllowanceSeconds: 3_600)),
            read("s1", true, at: 0), read("s2", false, at: 0), read("s3", false, at: 0), read("s4", false, at: 0),
            read("s1", false, at: 20),  // s1 flaps before its first reading held
            read("s1", true, at: 25),
            beat("s2", at: 40),  // clock 40: s2–s4 free since 0 (held 30 s); s1 pending since 25
            beat("s3", at: 60),  // clock 60: s1 occupied since 25
            read("s2", true, at: 120), read("s2", false, at: 130),  // a 10 s flap
            beat("s4", at: 180),
            read("s2", true, at: 300),
            beat("s3", at: 340),  // s2 occupied since 300
            read("s2", true, at: 300, id: "r-s2-300"),  // the gateway re-sent it
            read("s2", false, at: 2_700),
            read("s2", true, at: 1_800, id: "late"),  // sensor time before the newest reading: arrived late
            beat("s4", at: 2_730),  // s2 free since 2 700: a 2 400 s stay
        ]
    }

    @Test func debounceConfirmsOnlyHeldStatesAndFlapsNeverReachOccupancy() throws {
        let r = run(script)
        let facility = r.occupancy().map { [$0.occupied, $0.free, $0.unknown, $0.capacity] }
        #expect(facility == [
            [0, 0, 4, 4],  // layout: four spots, none confirmed
            [0, 3, 1, 4],  // t=40: s2, s3, s4 free
            [1, 3, 0, 4],  // t=60: s1 occupied (since 25, its flap restarted the wait)
            [2, 2, 0, 4],  // t=340: s2 occupied since 300
            [1, 3, 0, 4],  // t=2730: s2 free since 2700
        ])
        // The 10 s flap at 120–130 and the late reading produced no occupancy row.
        let s = r.state!
        #expect(s.spots["s1"]?.status == .occupied)
        #expect(s.spots["s1"]?.since == t0.adding(seconds: 25))
        #expect(s.spots["s2"]?.status == .free)
        #expect(s.spots["s2"]?.lastReading == t0.adding(seconds: 2_700))
        // Only s2's stay was seen from its start (s1 was occupied before anyone watched).
        #expect(r.stays == [StayRow(facilityID: "F", spotID: "s2", level: "", zone: "A", start: t0.adding(seconds: 300), end: t0.adding(seconds: 2_700))])
        #expect(r.stays.first?.seconds == 2_400)
        // No alert. The clock jumped from 10:05:40 to 10:45: one forecast, at the latest quarter hour passed.
        #expect(r.types() == [OccupancyForecast.eventType])
        #expect(try r.derived[0].envelope().eventTime == t0.adding(seconds: 2_700))
    }

    @Test func repeatedAndLateReadingsChangeNothing() {
        let r = run(script)
        // Steps 14 (repeat) and 16 (late): no spot row, no occupancy row.
        for i in [14, 16] {
            #expect(!r.steps[i].contains { if case .spot = $0 { true } else { false } }, "step \(i)")
            #expect(!r.steps[i].contains { if case .occupancy = $0 { true } else { false } }, "step \(i)")
        }
    }

    @Test func silentSensorGoesUnknownAndRecoversOnItsNextReading() throws {
        let r = run([
            layout(capacity: 2, at: 0),
            read("s1", true, at: 0), read("s2", false, at: 0),
            beat("s2", at: 60),  // both confirmed
            beat("s2", at: 500),
            beat("s2", at: 900),  // clock 900: s1 silent since 0 > 600 s → offline at 600
            read("s1", false, at: 1_000),  // back: recovered; its new status waits for the debounce
            beat("s2", at: 1_040),
        ])
        #expect(r.types() == [SensorOffline.eventType, OccupancyForecast.eventType, SensorRecovered.eventType])
        let offline = try r.derived[0].envelope().decode(SensorOffline.self)
        #expect(offline.sensorID == "s1")
        #expect(offline.lastSeen == t0)
        #expect(try r.derived[0].envelope().eventTime == t0.adding(seconds: 600))
        let recovered = try r.derived[2].envelope().decode(SensorRecovered.self)
        #expect(recovered.offlineSince == t0.adding(seconds: 600))
        #expect(r.occupancy().map { [$0.occupied, $0.free, $0.unknown] } == [
            [0, 0, 2], [1, 1, 0],  // confirmed at 60
            [0, 1, 1],  // s1 offline: unknown, out of occupied
            [0, 2, 0],  // s1 free since 1000, confirmed at 1040
        ])
        // Occupied before it went silent, free after: the stay was not observed whole, so none is recorded.
        #expect(r.stays.isEmpty)
        // The same silence revealed by a different event is the same alert (id from the cause).
        let other = run([
            layout(capacity: 2, at: 0), read("s1", true, at: 0), read("s2", false, at: 0), beat("s2", at: 60),
            beat("s2", at: 500), read("s2", true, at: 700),
        ])
        #expect(other.derived.first?.id == r.derived[0].id)
    }

    @Test func countBasedFacilityAlertsWithHysteresisAndCountsAPassageOnce() throws {
        func gate(_ id: String, _ dir: GatePassed.Direction, at s: Int64) -> ParkingProjection.Input {
            .gate(meta(id, s), GatePassed(facilityID: "F", gateID: "g1", direction: dir))
        }
        var inputs: [ParkingProjection.Input] = [
            .layout(meta("layout", 0), FacilityLayout(facilityID: "F", areas: [.init(capacity: 10)], settings: FacilitySettings(heartbeatAllowanceSeconds: 3_600))),
            .counted(meta("c1", 10), OccupancyCounted(facilityID: "F", occupied: 8)),
        ]
        inputs += [gate("e1", .entry, at: 20)]  // 9 = 90 %: up
        inputs += [gate("e1", .entry, at: 20)]  // re-sent: still 9
        inputs += [gate("e2", .entry, at: 30), gate("x1", .exit, at: 40)]  // 10, 9: no alert
        inputs += [gate("x2", .exit, at: 50)]  // 8 = 80 %: down
        inputs += [gate("e3", .entry, at: 60)]  // 9: up again
        inputs += [.counted(meta("c-old", 5), OccupancyCounted(facilityID: "F", occupied: 1))]  // older total: ignored
        let r = run(inputs)
        let crossings = try r.derived.map { try $0.envelope().decode(OccupancyThresholdCrossed.self) }
        #expect(crossings.map(\.direction) == [.up, .down, .up])
        #expect(crossings.map(\.occupied) == [9, 8, 9])
        #expect(crossings.map(\.thresholdPercent) == [90, 80, 90])
        #expect(r.occupancy().map(\.occupied) == [0, 8, 9, 10, 9, 8, 9])
        // Before the first count the facility's ten spaces are unknown; after it, every space is accounted for.
        #expect(r.occupancy().first?.unknown == 10)
        #expect(r.occupancy().dropFirst().allSatisfy { $0.unknown == 0 && $0.occupied + $0.free == 10 })
        #expect(r.state?.aboveThreshold == true)
    }

    @Test func levelsAndZonesRollUpAndUnseenSpotsAreUnknown() {
        let inputs: [ParkingProjection.Input] = [
            .layout(meta("layout", 0), FacilityLayout(facilityID: "F", areas: [
                .init(level: "L1", zone: "A", capacity: 3), .init(level: "L1", zone: "B", capacity: 2), .init(level: "L2", zone: "A", capacity: 5),
            ], settings: FacilitySettings(debounceSeconds: 0, heartbeatAllowanceSeconds: 600))),
            .reading(meta("a", 1), SpotReading(facilityID: "F", level: "L1", zone: "A", spotID: "1", occupied: true)),
            .reading(meta("b", 1), SpotReading(facilityID: "F", level: "L1", zone: "B", spotID: "2", occupied: false)),
            .reading(meta("c", 2), SpotReading(facilityID: "F", level: "L2", zone: "A", spotID: "3", occupied: true)),
        ]
        let occupancy = Dictionary(uniqueKeysWithValues: run(inputs).state!.occupancy().map { ($0.key, [$0.occupied, $0.free, $0.unknown, $0.capacity]) })
        #expect(occupancy == [
            "facility//": [2, 1, 7, 10],
            "level/L1/": [1, 1, 3, 5], "level/L2/": [1, 0, 4, 5],
            "zone/L1/A": [1, 0, 2, 3], "zone/L1/B": [0, 1, 1, 2], "zone/L2/A": [1, 0, 4, 5],
        ])
    }

    @Test func forecastFollowsTheTrendWithoutAProfile() throws {
        let inputs: [ParkingProjection.Input] = [
            .layout(meta("layout", -600), FacilityLayout(facilityID: "F", areas: [.init(capacity: 100)])),
            .counted(meta("c1", -60), OccupancyCounted(facilityID: "F", occupied: 20)),
            .counted(meta("c2", 5), OccupancyCounted(facilityID: "F", occupied: 30)),  // crosses 10:00 at 20 %
            .counted(meta("c3", 600), OccupancyCounted(facilityID: "F", occupied: 40)),
            .counted(meta("c4", 901), OccupancyCounted(facilityID: "F", occupied: 45)),  // crosses 10:15 at 40 %
        ]
        let r = run(inputs)
        let forecasts = try r.derived.filter { $0.type == OccupancyForecast.eventType }.map { try $0.envelope().decode(OccupancyForecast.self) }
        try #require(forecasts.count == 2)
        #expect(forecasts[0].occupied == 20)
        #expect(forecasts[0].steps.map(\.occupied) == [20, 20, 20, 20])  // no trend yet
        #expect(forecasts[0].steps.first?.time == t0.adding(seconds: 900))
        // Trend +20 points a quarter, damped by 0.7 a step: 40 + 14 = 54, + 9.8 = 63.8, + 6.86 = 70.66, + 4.802 = 75.462.
        #expect(forecasts[1].occupied == 40)
        #expect(forecasts[1].steps.map(\.occupied) == [54, 64, 71, 75])
        #expect(forecasts[1].profileWeight == 0)
        #expect(forecasts[1].steps.last?.time == t0.adding(seconds: 900 + 3_600))
    }

    @Test func forecastFollowsTheProfileOnceWeeksOfItExist() {
        var profile = OccupancyProfile()
        for _ in 0..<2 {
            profile.record(share: 0.5, slot: 10)
            profile.record(share: 0.7, slot: 11)
            profile.record(share: 0.8, slot: 12)
        }
        profile.record(share: 0.9, slot: 13)  // one week only: half weight
        let (shares, weight) = profile.forecast(share: 0.6, previousShare: 0.4, slot: 10)
        // Step 1 and 2: full weight → 0.6 + (0.7 − 0.5), 0.6 + (0.8 − 0.5). Step 3: half profile, half damped trend:
        // 0.6 + 0.5·(0.9 − 0.5) + 0.5·0.2·(0.7 + 0.49 + 0.343).
        #expect(abs(shares[0] - 0.8) < 1e-9 && abs(shares[1] - 0.9) < 1e-9)
        #expect(abs(shares[2] - (0.6 + 0.2 + 0.1 * 1.533)) < 1e-9)
        #expect(weight == 0)  // step 4 has no profile at all
        #expect(OccupancyProfile.slot(ofQuarter: t0.seconds / 900) == 40)  // Monday 10:00 = quarter 40 of the week
    }

    @Test func restoredStateFoldsLikeTheUninterruptedOne() throws {
        let straight = run(script)
        for cut in [3, 8, 13] {
            let first = run(Array(script.prefix(cut)))
            var w = JSONWriter()
            first.state!.encode(to: &w)
            let restored = try FacilityState(json: try JSONParser.parse(w.string))
            #expect(restored == first.state!)
            let rest = run(Array(script.dropFirst(cut)), from: restored)
            #expect(rest.state == straight.state)
            #expect(first.rows + rest.rows == straight.rows)
        }
    }
}
