import Events
import Kafka
import Replay
import Testing

@Suite struct ReplayBoundTests {
    let one = ["parks.wait-times"]
    let two = ["parks.attraction-updates", "parks.schedules"]

    @Test func earliestLatestAndOffsets() throws {
        #expect(try ReplayBound.parse("earliest", topics: one) == .earliest)
        #expect(try ReplayBound.parse(" latest ", topics: one) == .latest)
        let parsed = try ReplayBound.parse("0:120,3:7", topics: one)
        #expect(parsed == .offsets([
            KafkaTopicPartition(topic: "parks.wait-times", partition: 0): 120,
            KafkaTopicPartition(topic: "parks.wait-times", partition: 3): 7,
        ]))
        #expect(parsed.description == "parks.wait-times:0:120,parks.wait-times:3:7")
        // The description parses back to the same bound (it is stored on the version).
        #expect(try ReplayBound.parse(parsed.description, topics: one) == parsed)
    }

    @Test func timesAreEventTimes() throws {
        let parsed = try ReplayBound.parse("2024-05-20T06:00:00Z", topics: one)
        #expect(parsed == .time(Timestamp(iso8601: "2024-05-20T06:00:00Z")!))
        #expect(parsed.description == "2024-05-20T06:00:00Z")
        #expect(try ReplayBound.parse(parsed.description, topics: one) == parsed)
        #expect(throws: ReplayBoundError.self) { try ReplayBound.parse("2024-05-20T25:00:00Z", topics: one) }
    }

    @Test func severalTopicsNeedTheTopicNamed() throws {
        #expect(throws: ReplayBoundError.self) { try ReplayBound.parse("0:5", topics: two) }
        let parsed = try ReplayBound.parse("parks.schedules:1:5", topics: two)
        #expect(parsed == .offsets([KafkaTopicPartition(topic: "parks.schedules", partition: 1): 5]))
        #expect(throws: ReplayBoundError.self) { try ReplayBound.parse("parks.wait-times:1:5", topics: two) }
    }

    @Test(arguments: ["", "0", "0:", "x:1", "0:-1", "-1:3", "0:1:2:3", "0:1,0:2", "soon"])
    func malformedBoundsAreRefusedWithAReason(_ text: String) {
        do {
            _ = try ReplayBound.parse(text, topics: ["t"])
            Issue.record("'\(text)' was accepted")
        } catch {
            #expect(!error.reason.isEmpty)
        }
    }

    @Test func partitionsAreCheckedAgainstTheTopic() throws {
        let partitions = (0..<3).map { KafkaTopicPartition(topic: "t", partition: $0) }
        try ReplayBound.parse("2:10", topics: ["t"]).check(against: partitions)
        #expect(throws: ReplayBoundError.self) { try ReplayBound.parse("3:10", topics: ["t"]).check(against: partitions) }
    }
}
