import Projections
import Testing

@Suite struct WaitHistogramTests {
    @Test func nearestRankPercentilesAreExact() {
        var h = WaitHistogram()
        for v in [40, 10, 30, 20] { h.add(v) }
        // n = 4: P50 rank ⌈2⌉ = 2 → 20; P90 rank ⌈3.6⌉ = 4 → 40.
        #expect(h.percentile(0.5) == 20)
        #expect(h.percentile(0.9) == 40)
        #expect(h.values == [10, 20, 30, 40])
        #expect(h.total == 4)
    }

    @Test func countsRepeatedValues() {
        var h = WaitHistogram()
        for v in [5, 5, 5, 5, 5, 5, 5, 5, 5, 60] { h.add(v) }
        // n = 10: P50 rank 5 → 5; P90 rank 9 → 5; P100 → 60.
        #expect(h.percentile(0.5) == 5)
        #expect(h.percentile(0.9) == 5)
        #expect(h.percentile(1.0) == 60)
        #expect(h.values == [5, 60])
        #expect(h.counts == [9, 1])
    }

    @Test func emptyHasNoPercentile() {
        #expect(WaitHistogram().percentile(0.5) == nil)
    }

    @Test func restoresFromStoredArrays() {
        let h = WaitHistogram(values: [30, 10, 20], counts: [1, 2, 0])
        #expect(h.values == [10, 30])
        #expect(h.counts == [2, 1])
        #expect(h.percentile(0.5) == 10)
        #expect(h.percentile(0.9) == 30)
    }
}
