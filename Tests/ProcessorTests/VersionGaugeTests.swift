import Processor
@testable import Registry
import Testing

@Suite struct VersionGaugeTests {
    @Test func theVersionTableBecomesGauges() throws {
        let metrics = ProcessorServiceTests.metrics
        ActiveVersionsWatcher.record([
            ProjectionVersion(projection: "gauged_p", number: 2, status: .active),
            ProjectionVersion(
                projection: "gauged_p", number: 3, status: .building,
                progress: #"{"phase":"rebuilding","left":1234,"events_per_second":99.5}"#),
            ProjectionVersion(projection: "gauged_p", number: 4, status: .ready, progress: #"{"phase":"done","left":0}"#),
        ])
        #expect(try metrics.expectGauge("turnstile_projection_active_version", [("projection", "gauged_p")]).lastValue == 2)
        let dims = [("projection", "gauged_p"), ("version", "3")]
        #expect(try metrics.expectGauge("turnstile_rebuild_records_left", dims).lastValue == 1234)
        #expect(try metrics.expectGauge("turnstile_rebuild_events_per_second", dims).lastValue == 99.5)
        #expect(try metrics.expectGauge("turnstile_rebuild_records_left", [("projection", "gauged_p"), ("version", "4")]).lastValue == 0)
    }
}
