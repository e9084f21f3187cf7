import Kafka
import Replay
import Testing

/// A partition's records (offset → timestamp, gaps allowed) and a broker that answers time lookups right, or as
/// the local Tansu does (offset 0 for every time), or not at all.
final class FakeTimeIndex: OffsetTimeIndex {
    enum Broker: Sendable { case right, zero, none }
    let records: [(offset: Int64, timestampMs: Int64)]
    let high: Int64
    let broker: Broker
    var reads = 0

    init(_ records: [(Int64, Int64)], high: Int64? = nil, broker: Broker) {
        self.records = records.map { (offset: $0.0, timestampMs: $0.1) }
        self.high = high ?? ((records.last?.0 ?? -1) + 1)
        self.broker = broker
    }

    func brokerOffset(_ tp: KafkaTopicPartition, atOrAfter ms: Int64) throws -> Int64? {
        switch broker {
        case .right: records.first { $0.timestampMs >= ms }?.offset
        case .zero: 0
        case .none: nil
        }
    }

    func bounds(_ tp: KafkaTopicPartition) throws -> (low: Int64, high: Int64) { (records.first?.offset ?? high, high) }

    func record(_ tp: KafkaTopicPartition, atOrAfter offset: Int64) throws -> (offset: Int64, timestampMs: Int64)? {
        reads += 1
        return records.first { $0.offset >= offset }
    }
}

@Suite struct TimeSeekTests {
    let tp = KafkaTopicPartition(topic: "t", partition: 0)
    /// 1 000 records one second apart from t = 1 000 000 ms, starting at offset 500 (older ones deleted).
    let steady: [(Int64, Int64)] = (0..<1_000).map { (i: Int) -> (Int64, Int64) in (Int64(500 + i), Int64(1_000_000 + i * 1_000)) }

    @Test func aRightAnswerIsCheckedAndUsed() throws {
        let index = FakeTimeIndex(steady, broker: .right)
        let found = try TimeSeek.offset(of: tp, atOrAfter: 1_250_500, in: index)
        #expect(found.offset == 751)
        #expect(found.source == TimeSeek.Source.broker)
        #expect(index.reads <= 2, "checking costs the record there and the one before")
    }

    @Test(arguments: [FakeTimeIndex.Broker.zero, .none])
    func aWrongAnswerIsReplacedByASearch(broker: FakeTimeIndex.Broker) throws {
        let index = FakeTimeIndex(steady, broker: broker)
        let found = try TimeSeek.offset(of: tp, atOrAfter: 1_250_500, in: index)
        #expect(found.offset == 751)
        #expect(found.source == TimeSeek.Source.search)
        #expect(index.reads < 20, "a binary search: \(index.reads) reads")
    }

    @Test(arguments: [FakeTimeIndex.Broker.right, .zero])
    func timesBeforeAndAfterEverything(broker: FakeTimeIndex.Broker) throws {
        #expect(try TimeSeek.offset(of: tp, atOrAfter: 0, in: FakeTimeIndex(steady, broker: broker)).offset == 500)
        #expect(try TimeSeek.offset(of: tp, atOrAfter: 1_000_000, in: FakeTimeIndex(steady, broker: broker)).offset == 500)
        #expect(try TimeSeek.offset(of: tp, atOrAfter: 9_999_999_999, in: FakeTimeIndex(steady, broker: broker)).offset == 1_500)
        #expect(try TimeSeek.offset(of: tp, atOrAfter: 5, in: FakeTimeIndex([], high: 42, broker: broker)).offset == 42)
    }

    @Test func equalTimesStartAtTheFirstOfThem() throws {
        let ties: [(Int64, Int64)] = [(0, 10), (1, 20), (2, 20), (3, 20), (4, 30)]
        for broker in [FakeTimeIndex.Broker.right, .zero] {
            #expect(try TimeSeek.offset(of: tp, atOrAfter: 20, in: FakeTimeIndex(ties, broker: broker)).offset == 1)
            #expect(try TimeSeek.offset(of: tp, atOrAfter: 21, in: FakeTimeIndex(ties, broker: broker)).offset == 4)
        }
    }

    @Test func gapsInTheOffsetsAreStepedOver() throws {
        // Compacted: offsets 0, 5, 6, 40, 41, 90.
        let gappy: [(Int64, Int64)] = [(0, 100), (5, 200), (6, 300), (40, 400), (41, 500), (90, 600)]
        for ms: Int64 in [50, 150, 350, 401, 600, 601] {
            let expected = gappy.first { $0.1 >= ms }?.0 ?? 91
            for broker in [FakeTimeIndex.Broker.right, .zero, .none] {
                let found = try TimeSeek.offset(of: tp, atOrAfter: ms, in: FakeTimeIndex(gappy, broker: broker))
                // Any offset in the gap before the first record at or after the time starts at that record.
                let firstAtOrAfter = gappy.first { $0.0 >= found.offset }?.0 ?? 91
                #expect(firstAtOrAfter == expected, "\(ms) ms, \(broker): \(found)")
            }
        }
    }
}
