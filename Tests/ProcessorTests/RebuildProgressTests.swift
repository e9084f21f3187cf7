import Kafka
@testable import Processor
import Projections
import Replay
import Testing

@Suite struct RebuildProgressTests {
    let p0 = KafkaTopicPartition(topic: "t", partition: 0)
    let p1 = KafkaTopicPartition(topic: "t", partition: 1)

    @Test func leftRateAndETAFromTwoSnapshots() {
        var before = RebuildControl.Snapshot()
        before.folded = 1_000
        var now = before
        now.folded = 3_000
        now.committed = [p0: 2_000, p1: 1_000]
        now.high = [p0: 5_000, p1: 1_000]
        let p = RebuildProgress(
            projection: "parks_wait_times", version: 2, phase: .rebuilding, previous: before, current: now, limits: nil,
            partitions: [p0, p1], interval: 2, elapsed: 10)
        #expect(p.eventsPerSecond == 1_000)
        #expect(p.left == [p0: 3_000, p1: 0])
        #expect(p.etaSeconds == 3)
        #expect(p.fraction == 0.5)
        #expect(p.line().contains("50%") && p.line().contains("1,000 ev/s") && p.line().contains("p0 3,000") && p.line().contains("ETA 0:03"))
        #expect(p.json.contains(#""left_by_partition":{"t:0":3000,"t:1":0}"#))
        #expect(p.json.contains(#""eta_seconds":3"#))
    }

    @Test func followingLiveCountsWhatIsLeftUpToTheLimit() {
        var now = RebuildControl.Snapshot()
        now.committed = [p0: 90]
        now.high = [p0: 500, p1: 40]
        let p = RebuildProgress(
            projection: "x", version: 3, phase: .following, previous: nil, current: now, limits: [p0: 100],
            partitions: [p0, p1], interval: 1, elapsed: 1)
        // p1 is held (absent from the limits): nothing left there.
        #expect(p.left == [p0: 10, p1: 0])
        // Nothing folded in the interval: no rate, no ETA while something is left.
        #expect(p.etaSeconds == nil && p.line().contains("ETA --:--"))
    }

    @Test func controlKnowsWhenTheEndIsReached() {
        let control = RebuildControl(partitions: [p1, p0])
        #expect(control.partitions == [p0, p1])
        #expect(!control.reachedEnd, "not started")
        control.started(stored: [p0: 10])
        control.watermarks(p0, low: 0, high: 20)
        #expect(!control.reachedEnd, "p1 not fetched yet")
        control.watermarks(p1, low: 5, high: 5)
        #expect(!control.reachedEnd, "p0 at 10 of 20")
        control.committed([p0: 20], folded: 10)
        #expect(control.reachedEnd, "p0 at its head, p1 empty from 5")
        #expect(control.snapshot.folded == 10)

        control.limits = [p0: 30, p1: 5]
        #expect(control.reachedEnd, "p0 may go to 30, but the log ends at 20")
        control.watermarks(p0, low: 0, high: 40)
        #expect(!control.reachedEnd, "p0 may go to 30, and the log goes on")
        control.limits = [p0: 15]
        #expect(control.reachedEnd, "past its limit; p1 held")
        #expect(control.hasCommitted(exactly: [p0: 20]))
        #expect(!control.hasCommitted(exactly: [p0: 20, p1: 5]), "p1 has folded nothing")
    }

    @Test func versionsLiveInSchemasOfTheirOwnWithTheirOffsets() {
        #expect(TablePlacement.version(1, of: "parks_crowd") == .live)
        #expect(TablePlacement.version(3, of: "parks_crowd") == TablePlacement(schema: "parks_crowd_v3"))
        let v = ProjectionVersion(projection: "parks_crowd", number: 3, status: .building)
        let runtime = v.runtime(RuntimeTables())
        #expect(runtime.offsets == "parks_crowd_v3.turnstile_offsets")
        #expect(runtime.outbox == "turnstile_outbox" && runtime.versions == "turnstile_projection_versions")
        #expect(ProjectionVersion(projection: "x", number: 1, status: .active).runtime(RuntimeTables()) == RuntimeTables())
    }

    @Test func aDirectoryPlacesEachProjectionsTables() {
        let a = TableDefinition("a", columns: [Column("k", .text)])
        let b = TableDefinition("b", columns: [Column("k", .text)])
        var directory = TableDirectory()
        directory.place([a], at: .version(2, of: "p"))
        #expect(directory[a] == "p_v2.a" && directory[b] == "b")
        let shared = SharedTableDirectory()
        #expect(shared[a] == "a")
        shared.directory = directory
        #expect(shared[a] == "p_v2.a")
    }
}
