import Processor
import Testing

@Suite struct RestartPolicyTests {
    let policy = RestartPolicy(maxFailures: 4, initialDelay: .seconds(1), maxDelay: .seconds(5))

    @Test func pausesGrowUpToTheLongestThenTheProcessGivesUp() {
        var tracker = RestartPolicy.Tracker()
        #expect(tracker.failed(progress: 10, policy: policy) == .restart(after: .seconds(1)))
        #expect(tracker.failed(progress: 10, policy: policy) == .restart(after: .seconds(2)))
        #expect(tracker.failed(progress: 10, policy: policy) == .restart(after: .seconds(4)))
        #expect(tracker.failed(progress: 10, policy: policy) == .restart(after: .seconds(5)))
        #expect(tracker.failed(progress: 10, policy: policy) == .giveUp(failures: 5))
    }

    @Test func progressBetweenFailuresStartsTheCountAgain() {
        var tracker = RestartPolicy.Tracker()
        for _ in 0..<4 { _ = tracker.failed(progress: 3, policy: policy) }
        // It committed something since: not stuck on the same records.
        #expect(tracker.failed(progress: 4, policy: policy) == .restart(after: .seconds(1)))
        #expect(tracker.failures == 1)
        #expect(tracker.failed(progress: 4, policy: policy) == .restart(after: .seconds(2)))
    }

    @Test func noRestartsAtAllGivesUpAtTheFirstFailure() {
        var tracker = RestartPolicy.Tracker()
        let strict = RestartPolicy(maxFailures: 0)
        #expect(tracker.failed(progress: 0, policy: strict) == .giveUp(failures: 1))
    }

    @Test func aShortLongestPauseCapsTheFirstToo() {
        var tracker = RestartPolicy.Tracker()
        let quick = RestartPolicy(maxFailures: 3, initialDelay: .milliseconds(100), maxDelay: .milliseconds(250))
        #expect(tracker.failed(progress: 0, policy: quick) == .restart(after: .milliseconds(100)))
        #expect(tracker.failed(progress: 0, policy: quick) == .restart(after: .milliseconds(200)))
        #expect(tracker.failed(progress: 0, policy: quick) == .restart(after: .milliseconds(250)))
    }
}
