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

@Suite struct HourOfWeekBaselinesTests {
    /// Against one `WaitHistogram` per slot, the reference: the same percentiles and histograms after every
    /// add, whatever the order of slots and waits.
    @Test func agreesWithAHistogramPerSlot() {
        var rng = SystemRandomNumberGenerator()
        var packed = HourOfWeekBaselines()
        var reference: [Int: WaitHistogram] = [:]
        for _ in 0..<4_000 {
            let slot = [0, 1, 23, 24, 100, 167][Int.random(in: 0..<6, using: &rng)]
            let wait = Int.random(in: 0...120, using: &rng) / 5 * 5 + (Bool.random(using: &rng) ? 0 : Int.random(in: 0...600, using: &rng) % 3)
            reference[slot, default: WaitHistogram()].add(wait)
            #expect(packed.add(wait, slot: slot) == reference[slot]!.percentile(0.5))
        }
        for slot in 0..<HourOfWeekBaselines.slots {
            #expect(packed[slot] == reference[slot])
            #expect(packed.percentile(0.9, slot: slot) == reference[slot]?.percentile(0.9))
        }
    }

    /// A slot set from stored arrays reads back the same; nil or empty clears it, neighbours untouched.
    @Test func slotsAreSetAndClearedAlone() {
        var b = HourOfWeekBaselines()
        _ = b.add(10, slot: 4)
        _ = b.add(30, slot: 6)
        b[5] = WaitHistogram(values: [20, 5], counts: [2, 3])
        #expect(b[5] == WaitHistogram(values: [5, 20], counts: [3, 2]))
        #expect(b.percentile(0.5, slot: 5) == 5)
        #expect(b[4] == WaitHistogram(values: [10], counts: [1]))
        b[5] = WaitHistogram()
        #expect(b[5] == nil)
        b[4] = nil
        #expect(b[4] == nil)
        #expect(b[6] == WaitHistogram(values: [30], counts: [1]))
        #expect(b.percentile(0.5, slot: 7) == nil)
    }
}
