import Events
import Ingest
import Projections
import Testing

/// The parking fold on simulated garages (flapping, dead, repeated and late sensors, gates): a processor
/// restarted at any point restores each facility from its stored JSON and must go on exactly as an
/// uninterrupted fold would. Checked before every fifth event (a debug build parses the JSON slowly): there,
/// the second chain continues from the JSON of its previous state.
@Suite struct GarageReplayTests {
    @Test(arguments: [11] as [UInt64])
    func restoringBeforeAnyEventChangesNothing(seed: UInt64) throws {
        let events = GarageSimulator(.init(
            seed: seed, facilities: 2, levelsPerFacility: 2, zonesPerLevel: 2, spotsPerZone: 10,
            start: Timestamp(iso8601: "2024-05-20T05:00:00Z")!, hours: 10, flappingShare: 0.1, deadShare: 0.1,
            duplicateShare: 0.05, lateShare: 0.03, countBasedFacilities: 1)).events()
        let projection = ParkingProjection()
        var straight: [String: FacilityState] = [:], restarted: [String: FacilityState] = [:]
        var rowCount = 0
        for (i, event) in events.enumerated() {
            let input = try projection.decode(event)
            let key = projection.stateKey(of: input)
            let a = projection.fold(straight.removeValue(forKey: key), input)
            straight[key] = a.state
            let restored = i % 5 != 0 ? restarted[key] : try restarted[key].map { state in
                var w = JSONWriter()
                state.encode(to: &w)
                return try FacilityState(json: try JSONParser.parse(w.string))
            }
            let b = projection.fold(restored, input)
            restarted[key] = b.state
            rowCount += a.rows.count
            guard a.rows == b.rows, a.derived == b.derived else {
                Issue.record("event \(i) (\(event.type) at \(event.eventTime)): uninterrupted \(a.rows), restored \(b.rows)")
                return
            }
        }
        #expect(straight == restarted)
        #expect(rowCount > events.count / 10, "the garage should keep the fold busy")
    }
}
