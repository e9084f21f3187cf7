import Events
import Kafka

/// Produces validated raw events to their topics and waits for the broker's acknowledgement.
public struct EventPublisher: Sendable {
    public let producer: KafkaProducer
    public let router: RawEventRouter

    public init(producer: KafkaProducer, router: RawEventRouter = RawEventRouter()) {
        self.producer = producer
        self.router = router
    }

    public static func message(_ routed: RawEventRouter.Routed) -> KafkaOutgoingMessage {
        KafkaOutgoingMessage(
            topic: routed.topic, key: Array(routed.envelope.key.utf8), value: routed.envelope.encoded(),
            headers: [KafkaHeader(key: EventEnvelope.typeHeader, value: Array(routed.envelope.type.utf8))],
            timestampMs: routed.envelope.eventTime.milliseconds)
    }

    /// Routes and produces; throws the first validation error before producing anything.
    public func publish(_ envelopes: [EventEnvelope]) async throws -> Int {
        var messages: [KafkaOutgoingMessage] = []
        messages.reserveCapacity(envelopes.count)
        for e in envelopes { messages.append(Self.message(try router.route(e))) }
        return try await publish(routed: messages)
    }

    public func publish(routed messages: [KafkaOutgoingMessage]) async throws -> Int {
        guard !messages.isEmpty else { return 0 }
        return try await producer.send(messages).count
    }

    /// Blocking variant for dedicated threads (the simulator's fast path).
    public func publishAndWait(_ envelopes: [EventEnvelope]) throws -> Int {
        var messages: [KafkaOutgoingMessage] = []
        messages.reserveCapacity(envelopes.count)
        for e in envelopes { messages.append(Self.message(try router.route(e))) }
        guard !messages.isEmpty else { return 0 }
        return try producer.sendAndWait(messages).count
    }
}
