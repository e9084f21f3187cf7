import CRDKafka
import Dispatch
import Foundation
import Synchronization

/// A dedicated OS thread that serves a producer's event queue (`rd_kafka_poll`): delivery reports, error
/// and statistics callbacks all run here, never on Swift's cooperative pool. It holds only the handle,
/// not the producer, so the producer can still be deinitialised while the thread runs.
final class ProducerPollThread: Sendable {
    private let handle: RDKafkaHandle
    private let stopRequested = Atomic<Bool>(false)
    private let stopped = DispatchSemaphore(value: 0)

    init(handle: RDKafkaHandle, name: String) {
        self.handle = handle
        let thread = Thread { [self] in
            // Named from inside: on Linux, Foundation does not pass a name set before `start()` to the OS
            // thread, and the OS refuses names over 15 bytes.
            Thread.current.name = String(decoding: name.utf8.prefix(15), as: UTF8.self)
            while !stopRequested.load(ordering: .acquiring) {
                // Returns as soon as events were served, or after 100 ms; `stop` wakes it via rd_kafka_yield.
                rd_kafka_poll(handle.pointer, 100)
            }
            stopped.signal()
        }
        thread.start()
    }

    /// Stops the thread and waits until it has left `rd_kafka_poll`.
    func stop() {
        stopRequested.store(true, ordering: .releasing)
        rd_kafka_yield(handle.pointer)
        stopped.wait()
    }
}
