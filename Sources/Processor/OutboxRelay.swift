import Foundation
import Kafka
import Logging
import Postgres
import Synchronization

/// Publishes the outbox to Kafka with the idempotent producer, in outbox order, and deletes what the broker
/// acknowledged. One relay in the whole deployment is active at a time (a PostgreSQL advisory lock), so
/// per-key order holds; the others wait to take over.
///
/// A crash between the broker's acknowledgement and the delete re-sends those records: derived events carry
/// deterministic ids so consumers drop the repeats.
// @unchecked Sendable: mutable state is confined to the thread running `run()`; `stopRequested` is atomic.
public final class OutboxRelay: @unchecked Sendable {
    let databaseURL: String
    let kafka: KafkaConfig
    let table: String
    let batchSize: Int
    let logger: Logger
    private let stopRequested = Atomic<Bool>(false)
    /// Longest wait for a commit's notification before looking at the outbox anyway (and checking `stop()`).
    private let idleWaitMs: Int32 = 200
    static let lockKey: Int64 = 7_420_002

    private let producedCounters = CounterCache(label: "turnstile_events_produced_total")
    private let published = ProgressCounter()
    /// Where the relay says it cannot publish (it keeps retrying by itself, so its supervisor never sees these).
    private let health = Mutex<ProcessorHealth?>(nil)

    /// Reports failures it retries by itself to `health` (`/ready`, `turnstile_relay_up`).
    public func reportHealth(to health: ProcessorHealth) { self.health.withLock { $0 = health } }

    /// Outbox rows published so far (see `BlockingRunner.progress`).
    public var progress: Int { published.value }

    public init(databaseURL: String, kafka: KafkaConfig, table: String, batchSize: Int = 2_000, logger: Logger) {
        self.databaseURL = databaseURL
        self.kafka = kafka
        self.table = table
        self.batchSize = batchSize
        var logger = logger
        logger[metadataKey: "component"] = "outbox-relay"
        self.logger = logger
    }

    public func stop() { stopRequested.store(true, ordering: .relaxed) }
    private var stopping: Bool { stopRequested.load(ordering: .relaxed) }

    /// Blocks until `stop()`; returns after publishing what was already in the outbox when asked to stop.
    public func run() throws {
        var session: PGSession?
        var producer: KafkaProducer?
        var leader = false
        var down = false
        func failed(_ error: any Error) {
            down = true
            health.withLock { $0 }?.markDown(self, error: error, restarting: false)
        }
        defer {
            producer?.close()
            session?.close()
        }
        while true {
            do {
                if session == nil {
                    session = try PGSession.connect(url: databaseURL, logger: logger)
                    leader = false
                }
                guard let s = session else { continue }
                if !leader {
                    leader = try s.execute("SELECT pg_try_advisory_lock($1)", [.int(Self.lockKey)]).bool(0, 0) ?? false
                    if !leader {
                        if stopping { return }
                        Thread.sleep(forTimeInterval: 0.5)
                        continue
                    }
                    // Woken by the processors' commits instead of polling the table.
                    _ = try s.execute("LISTEN \(PGSession.quoteIdentifier(OutboxRecord.notificationChannel(table: table)))")
                    logger.info("relay is active")
                }
                if producer == nil { producer = try KafkaProducer(config: producerConfig(), logger: logger) }
                let sent = try relayOnce(session: s, producer: producer!)
                if down {
                    down = false
                    health.withLock { $0 }?.markUp(self)
                }
                if sent == 0 {
                    if stopping { return }
                    // A missed notification only delays the next look by `idleWaitMs`.
                    _ = try s.waitForNotifications(timeoutMs: idleWaitMs)
                }
            } catch let error as PGError {
                logger.error("relay database error; reconnecting", metadata: ["error": "\(error)"])
                failed(error)
                session?.close()
                session = nil
                if stopping { return }
                Thread.sleep(forTimeInterval: 1)
            } catch let error as OutboxRelayError {
                // Retried every few seconds, so a repaired or deleted row lets the relay go on by itself.
                logger.error("outbox row cannot be published", metadata: ["error": "\(error)"])
                failed(error)
                if stopping { return }
                Thread.sleep(forTimeInterval: 5)
            } catch let error as KafkaError {
                // A producer that cannot deliver (e.g. the broker restarted and forgot its producer id)
                // is replaced; the records stay in the outbox and go again.
                logger.error("relay produce failed; recreating the producer", metadata: ["error": "\(error)"])
                failed(error)
                producer?.close()
                producer = nil
                if stopping { return }
                Thread.sleep(forTimeInterval: 1)
            }
        }
    }

    private func producerConfig() -> KafkaConfig {
        var config = kafka
        if config["message.timeout.ms"] == nil { config["message.timeout.ms"] = "30000" }
        if config["linger.ms"] == nil { config["linger.ms"] = "1" }
        return config
    }

    /// Publishes up to one batch; returns how many records went out.
    ///
    /// A row is either a bundle (`records`, a processor batch's records framed by `OutboxBundle`) or one
    /// record (`topic`, `key`, `value`, `headers`), the form for rows written by hand. Rows are taken in id
    /// order until about `batchSize` records, at least one row.
    /// Results come in binary format: a bundle arrives as its bytes, not as hex text of twice its size.
    func relayOnce(session: PGSession, producer: KafkaProducer) throws -> Int {
        let r = try session.execute(
            """
            SELECT o.id, o.topic, o.key, o.value, o.headers::text, o.records
            FROM (SELECT id, sum(record_count) OVER (ORDER BY id) - record_count AS before
                  FROM \(table) ORDER BY id LIMIT $1) w
            JOIN \(table) o USING (id)
            WHERE w.before < $1
            ORDER BY o.id
            """, [.int(Int64(batchSize))], binaryResults: true)
        guard r.rowCount > 0 else { return 0 }
        var ids: [Int64] = []
        var messages: [KafkaOutgoingMessage] = []
        ids.reserveCapacity(r.rowCount)
        messages.reserveCapacity(batchSize)
        for row in 0..<r.rowCount {
            guard let id = try r.int(row, 0) else { continue }
            if let bundle = try r.bytes(row, 5) {
                let records: [OutboxRecord]
                do {
                    records = try OutboxBundle.decode(bundle, eventIDs: false)
                } catch {
                    // Only the processor writes bundles: a damaged one is a bug or a bad repair. It stays put
                    // (nothing is lost) and everything behind it waits, loudly.
                    throw OutboxRelayError.unpublishableRow(table: table, id: id, reason: error.description)
                }
                for record in records {
                    messages.append(
                        KafkaOutgoingMessage(topic: record.topic, key: record.key, value: record.value, headers: record.headers))
                }
            } else {
                guard let topic = r.string(row, 1), let value = try r.bytes(row, 3) else {
                    throw OutboxRelayError.unpublishableRow(
                        table: table, id: id, reason: "neither records nor topic and value are set")
                }
                messages.append(
                    KafkaOutgoingMessage(
                        topic: topic, key: try r.bytes(row, 2), value: value,
                        headers: OutboxRecord.headers(fromJSON: r.string(row, 4) ?? "[]")))
            }
            ids.append(id)
        }
        let reports = try producer.sendAndWait(messages)
        _ = try session.execute("DELETE FROM \(table) WHERE id = ANY($1::bigint[])", [.intArray(ids)])
        var perTopic: [String: Int] = [:]
        for report in reports { perTopic[report.topic, default: 0] += 1 }
        for (topic, n) in perTopic { producedCounters.increment(topic, by: n) }
        published.increment()
        return messages.count
    }
}

/// An outbox row the relay cannot publish.
public enum OutboxRelayError: Error, CustomStringConvertible {
    case unpublishableRow(table: String, id: Int64, reason: String)

    public var description: String {
        switch self {
        case .unpublishableRow(let table, let id, let reason):
            "outbox row \(id) of \(table) cannot be published (\(reason)); the relay waits behind it: inspect it "
                + "(SELECT * FROM \(table) WHERE id = \(id)), then repair or delete it"
        }
    }
}
