import Dispatch
import Foundation
import Kafka
import Synchronization

/// Runs a consumer's poll loop on its own OS thread, like the stream processor does, feeding an
/// `OffsetStore`. Closes the consumer when stopped.
final class ConsumerWorker: Sendable {
    let name: String
    let consumer: KafkaConsumer
    private let store: OffsetStore
    private let stopRequested = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)
    private let failure = Mutex<(any Error)?>(nil)

    init(name: String, consumer: KafkaConsumer, store: OffsetStore) {
        self.name = name
        self.consumer = consumer
        self.store = store
    }

    func start() {
        let thread = Thread { [self] in
            do {
                while !stopRequested.load(ordering: .acquiring) {
                    store.process(try consumer.poll(maxMessages: 1000, timeoutMs: 100), by: name)
                }
            } catch {
                failure.withLock { $0 = error }
            }
            consumer.close()
            finished.signal()
        }
        thread.name = "consumer-\(name)"
        thread.start()
    }

    var error: (any Error)? { failure.withLock { $0 } }

    /// Stops the loop and waits (off the cooperative pool) until the consumer is closed.
    func stop() async {
        stopRequested.store(true, ordering: .releasing)
        _ = try? await TestBroker.onThread { [finished] in finished.wait() }
    }
}
