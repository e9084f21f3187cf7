import CRDKafka

/// Namespace for library-wide checks of the librdkafka the process actually loaded.
///
/// Threading model of this module: blocking librdkafka calls never run on Swift's cooperative pool.
/// - `KafkaProducer` owns a poll thread that serves delivery reports and completes `send` batches;
///   `send(_:) async` suspends, `sendAndWait` blocks its (dedicated) calling thread.
/// - `KafkaConsumer` is driven synchronously by one dedicated thread; its rebalance listener and
///   statistics handler run inside `poll` on that thread.
/// - `KafkaAdmin` calls block their caller.
public enum Kafka {
    /// Oldest librdkafka Turnstile accepts: 2.8.0 final. Older versions (Debian bookworm's 2.0.2) fail the
    /// ApiVersion v3 handshake with current brokers ("Read underflow"), with no configuration workaround.
    public static let minimumVersion: Int32 = 0x0208_00ff

    /// Version of the librdkafka loaded at run time (`rd_kafka_version()`), e.g. 0x020800ff.
    public static var loadedVersion: Int32 { rd_kafka_version() }

    /// Version of the librdkafka headers this module was compiled against.
    public static var headerVersion: Int32 { turnstile_rdkafka_header_version() }

    /// Throws `KafkaError.libraryTooOld` when the dynamic loader picked a librdkafka older than the headers
    /// we were built against or older than 2.8.0. The shim refuses old headers at build time, but the
    /// binary loads whatever `librdkafka.so.1` comes first on the loader path, which can be Debian's 2.0.2.
    /// Every client (producer, consumer, admin) runs this before creating its handle.
    public static func checkLibraryVersion() throws {
        try checkVersion(loaded: loadedVersion, header: headerVersion)
    }

    /// The pure decision behind `checkLibraryVersion()`, separated so it can be tested without a library.
    public static func checkVersion(loaded: Int32, header: Int32) throws {
        let required = max(header, minimumVersion)
        if loaded < required {
            throw KafkaError.libraryTooOld(loaded: versionString(loaded), required: versionString(required))
        }
    }

    /// Formats librdkafka's hex version (0xMMmmrrxx) as "MM.mm.rr"; a pre-release keeps its hex suffix.
    public static func versionString(_ version: Int32) -> String {
        let v = UInt32(bitPattern: version)
        let base = "\((v >> 24) & 0xff).\((v >> 16) & 0xff).\((v >> 8) & 0xff)"
        let pre = v & 0xff
        return pre == 0xff ? base : base + "-pre\(pre)"
    }
}
