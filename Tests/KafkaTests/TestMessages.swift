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
    /// As `verify`, for a consumer that does not keep headers: the message must carry none, and everything
    /// else as produced.
    static func verifyWithoutHeaders(_ message: KafkaMessage) -> Int? {
        guard message.headers.isEmpty, let key = message.key,
            let index = Int(String(decoding: key, as: UTF8.self).dropFirst(4))
        else { return nil }
        var withHeaders = message
        withHeaders.headers = headers(index)
        return verify(withHeaders)
    }

    static func verify(_ message: KafkaMessage) -> Int? {
        guard let key = message.key, let text = String(bytes: key, encoding: .utf8), text.hasPrefix("key-"),
            let index = Int(text.dropFirst(4)),
            message.value == TestBroker.bytes("value-\(index)"), message.headers == headers(index)
        else { return nil }
        return index
    }
}
