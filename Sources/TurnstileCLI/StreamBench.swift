import Events
import Foundation
import Hummingbird
import Ingest
import Kafka
import Logging
import NIOCore
import Processor
import Projections
import QueryService
import Registry
import ServiceLifecycle
import Synchronization

/// `turnstile bench --stream`: produce → visible on `GET /v1/stream`. Wait-time observations are produced at a
/// fixed rate; `parks_wait_times` folds them and publishes each change of an attraction's wait
/// (`parks.attraction_wait.updated`, through the outbox and relay); a server's hub streams them to `clients` SSE
/// clients, each following one park. Latency = the client's receipt − the raw event's ingest time (carried by
/// the derived event), beside the same events' produce → committed latency (the processor's own probe).
struct StreamBench {
    let kafka: KafkaConfig
    let baseURL: String
    let logger: Logger
    let rate: Double
    let seconds: Double
    let clients: Int
    let say: (String, String) -> Void

    func run() async throws {
        let id = String(UUID().uuidString.prefix(6)).lowercased()
        let scratch = try BenchScratch(id: id, kafka: kafka, baseURL: baseURL, logger: logger)
        defer { scratch.remove() }
        let topics = scratch.topics
        let parks = 20
        say("stream bench", "\(Int(rate)) raw events/s for \(Int(seconds)) s, \(parks) parks × 15 attractions, \(clients) clients (one park each)")

        // The processor: the wait-times fold and the relay, as `turnstile process` runs them.
        let settings = ProcessorSettings(
            databaseURL: scratch.databaseURL, kafka: kafka, groupPrefix: "bench-\(id)", maxBatch: 5_000, deadLetterTopic: topics[.parksDeadLetters])
        let probe = LatencyProbe()
        let worker = ProjectionDefinition.parksWaitTimes.worker(topics: topics, settings: settings, logger: logger) {
            ingest, polled, committed in probe.record(ingest, polledAt: polled, committedAt: committed)
        }
        let relay = OutboxRelay(databaseURL: scratch.databaseURL, kafka: kafka, table: RuntimeTables().outbox, logger: logger)
        let workerTask = Task { try await BlockingThread.run(name: "bench-worker") { try worker.run() } }
        let relayTask = Task { try await BlockingThread.run(name: "bench-relay") { try relay.run() } }

        // The server: the hub and the stream route, on a free loopback port.
        let hub = StreamHub(topics: topics, kafka: kafka, streamed: ProjectionRegistry.streamed, logger: logger)
        let router = Router(context: BasicRequestContext.self)
        StreamRoutes(stream: hub).add(to: router)
        let port = Mutex<Int?>(nil)
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: "turnstile-bench"),
            onServerRunning: { channel in port.withLock { $0 = channel.localAddress?.port } }, logger: logger)
        let group = ServiceGroup(configuration: .init(services: [.init(service: app), .init(service: hub)], logger: logger))
        let serving = Task { try await group.run() }
        defer {
            worker.stop()
            relay.stop()
        }
        while port.withLock({ $0 }) == nil || !hub.isReady { try await Task.sleep(for: .milliseconds(20)) }
        let serverPort = port.withLock { $0 }!

        let readers = try (0..<clients).map { i in
            try SSELatencyReader(port: serverPort, path: "/v1/stream?park=sim-\(i % parks + 1)&types=\(AttractionWaitUpdated.eventType)")
        }
        while hub.clientCount < clients { try await Task.sleep(for: .milliseconds(20)) }

        // Warm-up: the worker joins its group and folds a first batch before the measured run.
        let producer = try KafkaProducer(config: kafka, logger: logger)
        defer { producer.close() }
        let publisher = EventPublisher(producer: producer, router: RawEventRouter(topics: topics))
        let live = ParkSimulator(.init(seed: 7, parks: parks, attractionsPerPark: 15, start: Timestamp(iso8601: "2024-07-01")!))
        let observations = live.lazy.filter { $0.type == WaitTimeObserved.eventType }
        let warmup = Array(observations.prefix(2_000))
        _ = try await SimulationRunner(publisher: publisher).run(warmup, rate: rate)
        while probe.count < warmup.count { try await Task.sleep(for: .milliseconds(20)) }
        try await Task.sleep(for: .seconds(1))
        probe.reset()
        readers.forEach { $0.reset() }

        let events = Int(rate * seconds)
        let produceStart = ContinuousClock.now
        _ = try await SimulationRunner(publisher: publisher).run(observations.dropFirst(warmup.count).prefix(events), rate: rate)
        let achieved = Double(events) / (ContinuousClock.now - produceStart).seconds
        while probe.count < events { try await Task.sleep(for: .milliseconds(20)) }
        // The last derived events leave through the relay and the hub: a quiet second after the last commit.
        try await Task.sleep(for: .seconds(2))

        let latencies = readers.flatMap { $0.latencies }.sorted()
        let committed = probe.sorted()
        func pct(_ sorted: [Int64], _ p: Double) -> String {
            guard !sorted.isEmpty else { return "-" }
            return String(format: "%.1f ms", Double(sorted[min(sorted.count - 1, Int(p * Double(sorted.count)))]) / 1000)
        }
        say("raw events produced", "\(events) at \(Int(achieved))/s")
        say("produce→committed (projection), p50 / p99", "\(pct(committed, 0.5)) / \(pct(committed, 0.99))")
        say("produce→received on the stream, p50", pct(latencies, 0.5))
        say("produce→received on the stream, p99", pct(latencies, 0.99))
        say("produce→received on the stream, max", pct(latencies, 1))
        say("  events received by the \(clients) clients", "\(latencies.count) (\(Int(Double(latencies.count) / seconds))/s)")
        say("  clients cut off", "\(readers.filter(\.wasDropped).count)")

        readers.forEach { $0.close() }
        hub.stop()
        await group.triggerGracefulShutdown()
        _ = await serving.result
        worker.stop()
        relay.stop()
        _ = try? await workerTask.value
        _ = try? await relayTask.value
    }
}

/// One bench client of the stream on a raw socket and a thread of its own: reads the events and records, for
/// each, now − its `ingest_time` (µs). SSE lines are written whole per chunk, so the chunked framing's size lines
/// are simply lines that are not `data:`.
final class SSELatencyReader: Sendable {
    private let fd: Int32
    private let state = Mutex<(latencies: [Int64], dropped: Bool)>(([], false))

    init(port: Int, path: String) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard fd >= 0, connected == 0 else { throw BenchError(message: "cannot connect to the bench's server on port \(port)") }
        let request = Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n".utf8)
        _ = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
        let thread = Thread { [self] in read() }
        thread.name = "sse-reader"
        thread.start()
    }

    var latencies: [Int64] { state.withLock { $0.latencies } }
    var wasDropped: Bool { state.withLock { $0.dropped } }
    func reset() { state.withLock { $0.latencies = [] } }
    func close() { shutdown(fd, Int32(SHUT_RDWR)) }

    private func read() {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var line: [UInt8] = []
        let marker = Array(#""ingest_time":""#.utf8)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { break }
            let now = Timestamp.now().microseconds
            var found: [Int64] = []
            for b in buffer[0..<n] {
                guard b == UInt8(ascii: "\n") else {
                    line.append(b)
                    continue
                }
                if line.starts(with: Array("event: dropped".utf8)) { state.withLock { $0.dropped = true } }
                if line.starts(with: Array("data: ".utf8)), let at = line.firstRange(of: marker) {
                    let rest = line[at.upperBound...]
                    if let end = rest.firstIndex(of: UInt8(ascii: "\"")),
                       let time = Timestamp(iso8601: String(decoding: rest[..<end], as: UTF8.self)) {
                        found.append(now - time.microseconds)
                    }
                }
                line.removeAll(keepingCapacity: true)
            }
            if !found.isEmpty { state.withLock { $0.latencies += found } }
        }
        Foundation.close(fd)
    }
}
