import Kafka
import Testing

/// The poll buffer's bookkeeping (pure: no broker needed).
@Suite("KafkaRecordBatchTests")
struct KafkaRecordBatchTests {
    static func append(_ batch: inout KafkaRecordBatch, _ offset: Int64, key: [UInt8]?, value: [UInt8], partition: Int32 = 0) {
        value.withUnsafeBytes { v in
            if let key {
                key.withUnsafeBytes { k in
                    batch.append(topic: "t", partition: partition, offset: offset, timestampMs: offset, key: k, value: v)
                }
            } else {
                batch.append(topic: "t", partition: partition, offset: offset, timestampMs: nil, key: nil, value: v)
            }
        }
    }

    @Test func keysAndValuesComeBackExactlyNullAndEmptyApart() {
        var batch = KafkaRecordBatch()
        #expect(batch.isEmpty)
        Self.append(&batch, 0, key: Array("k0".utf8), value: Array("v0".utf8))
        Self.append(&batch, 1, key: nil, value: [])
        Self.append(&batch, 2, key: [], value: [0, 255, 10])
        // Enough to outgrow the first buffer: earlier records must survive the move.
        let big = [UInt8](repeating: 7, count: 1_500_000)
        Self.append(&batch, 3, key: Array("big".utf8), value: big, partition: 2)
        #expect(batch.count == 4)
        let r = batch.records
        #expect(batch.key(of: r[0]).map(Array.init) == Array("k0".utf8))
        #expect(Array(batch.value(of: r[0])) == Array("v0".utf8))
        #expect(batch.key(of: r[1]) == nil)
        #expect(batch.value(of: r[1]).isEmpty)
        #expect(batch.key(of: r[2]).map(Array.init) == [])
        #expect(Array(batch.value(of: r[2])) == [0, 255, 10])
        #expect(Array(batch.value(of: r[3])) == big)
        #expect(r[3].topicPartition == KafkaTopicPartition(topic: "t", partition: 2))
        #expect(r.map(\.offset) == [0, 1, 2, 3] && r[1].timestampMs == nil && r[2].timestampMs == 2)

        let message = batch.message(r[2])
        #expect(message.key == [] && message.value == [0, 255, 10] && message.offset == 2 && message.headers.isEmpty)
        #expect(batch.message(r[1]).key == nil)

        batch.removeRecords { $0.partition == 2 }
        #expect(batch.records.map(\.offset) == [0, 1, 2])
        #expect(Array(batch.value(of: batch.records[2])) == [0, 255, 10])
        batch.removeAll()
        #expect(batch.isEmpty)
        Self.append(&batch, 9, key: nil, value: Array("again".utf8))
        #expect(Array(batch.value(of: batch.records[0])) == Array("again".utf8))
    }

    /// A slice handed out stays valid (copy on write) when the batch is emptied and refilled for the next poll.
    @Test func slicesOutliveTheNextPoll() {
        var batch = KafkaRecordBatch()
        Self.append(&batch, 0, key: nil, value: Array("first".utf8))
        let kept = batch.value(of: batch.records[0])
        batch.removeAll()
        Self.append(&batch, 1, key: nil, value: Array("other".utf8))
        #expect(Array(kept) == Array("first".utf8))
        #expect(Array(batch.value(of: batch.records[0])) == Array("other".utf8))
    }
}
