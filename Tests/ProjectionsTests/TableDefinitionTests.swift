@testable import Projections
import Testing

@Suite struct TableDefinitionTests {
    @Test func placementNamesEveryTableInOnePlace() {
        let table = WaitTimesTables.waitTimes
        #expect(TablePlacement.live[table] == "wait_times")
        #expect(TablePlacement(suffix: "_v2")[table] == "wait_times_v2")
        #expect(TablePlacement(schema: "rebuild", suffix: "_v3")[table] == "rebuild.wait_times_v3")
        #expect(TablePlacement.isIdentifier("rebuild_2"))
        for bad in ["", "2x", "Rebuild", "a-b", "a.b", "a b", String(repeating: "a", count: 64)] {
            #expect(!TablePlacement.isIdentifier(bad), "\(bad)")
        }
    }

    @Test func conflictClausesComeFromTheDeclaration() {
        #expect(WaitTimesTables.waitTimes.conflictClause(physicalName: "wait_times").isEmpty)
        #expect(CrowdTables.parkSchedules.conflictClause(physicalName: "park_schedules")
            == "ON CONFLICT (park_id, date) DO UPDATE SET opens_at = EXCLUDED.opens_at, closes_at = EXCLUDED.closes_at, time_zone = EXCLUDED.time_zone")
        let merge = TelemetryTables.telemetry1s.conflictClause(physicalName: "s.telemetry_1s_v2")
        #expect(merge.hasPrefix("ON CONFLICT (session_id, driver_number, time) DO UPDATE SET samples = s.telemetry_1s_v2.samples + EXCLUDED.samples, "))
        #expect(!merge.contains("{{table}}"))
    }

    @Test func mergesSetOnlyNonKeyColumnsThatExist() {
        let t = TelemetryTables.telemetry1s
        guard case .merge(let sets) = t.conflict else {
            Issue.record("telemetry_1s merges partial aggregates")
            return
        }
        // Every non-key column is merged, or a second batch's partial of the same second would drop it.
        #expect(Set(sets.map(\.column)) == Set(t.columnNames).subtracting(t.key))
    }
}

@Suite struct StateKeyTests {
    @Test func keysSplitIntoTheirColumnsAndBack() {
        let attraction = StateKey(["park_id", "attraction_id"], split: .firstSlash)
        #expect(attraction.parts(of: "p1/ride/a") == ["p1", "ride/a"])
        let car = StateKey(["session_id", "driver_number"], split: .lastSlash)
        #expect(car.parts(of: "2024/race/44") == ["2024/race", "44"])
        #expect(car.key(["2024/race", "44"]) == "2024/race/44")
        #expect(StateKey.whole("park_id").parts(of: "a/b") == ["a/b"])
        #expect(attraction.parts(of: "no-slash") == nil)
    }

    @Test func everyStateKeyMatchesTheFoldsKeys() {
        // The folds' keys, as their events make them.
        #expect(WaitTimesTables.attractionCurrent.stateKey?.parts(of: "park/ride") == ["park", "ride"])
        #expect(TelemetryTables.cars.stateKey?.parts(of: "s/7") == ["s", "7"])
        #expect(SessionTables.sessionState.stateKey?.parts(of: "9488") == ["9488"])
    }
}
