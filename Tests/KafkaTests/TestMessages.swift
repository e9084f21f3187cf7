import Kafka

/// The keyed test records: key `key-i`, value `value-i`, and headers covering binary, null and empty values.
enum TestMessages {
    static func make(topic: String, count: Int, partition: Int32? = nil) -> [KafkaOutgoingMessage] {
        (0..<count).map { index in
            KafkaOutgoingMessage(
                topic: topic, key: TestBroker.bytes("key-\(index)"), value: TestBroker.bytes("value-\(index)"),
                headers: headers(index), partition: partition)
        }
    }

    static func headers(_ index: Int) -> [KafkaHeader] {
        [
            KafkaHeader(key: "index", value: TestBroker.bytes("\(index)")),
            KafkaHeader(key: "null", value: nil),
            KafkaHeader(key: "empty", value: []),
            KafkaHeader(key: "binary", value: [0, 255, UInt8(index % 256)]),
        ]
    }

    /// The index encoded in a consumed message's key, checking that value and headers match it exactly.
    static func verify(_ message: KafkaMessage) -> Int? {
        guard let key = message.key, let text = String(bytes: key, encoding: .utf8), text.hasPrefix("key-"),
            let index = Int(text.dropFirst(4)),
            message.value == TestBroker.bytes("value-\(index)"), message.headers == headers(index)
        else { return nil }
        return index
    }
}
