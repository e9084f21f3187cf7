import CLibPQ
import Logging

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One libpq connection, used synchronously: every call blocks the calling thread until the server
/// answers.
///
/// Not `Sendable`: a `PGconn` must be used by one thread at a time. Own it on a dedicated thread (the
/// processor's worker does), or use `PGConnection`, which keeps one on its own thread for async code.
/// Never call it from Swift's cooperative thread pool.
///
/// On connect (and after `reset()`) the session sets `TimeZone = UTC`, `DateStyle = ISO`,
/// `bytea_output = hex` and `extra_float_digits = 3`, which the text decoders in `PGResult` rely on.
public final class PGSession {
    private var connection: OpaquePointer?
    public let logger: Logger
    private let notices: PGNoticeForwarder
    /// Made on first use; a new server process (after `reset()`) needs a new one.
    private var cachedCancelToken: PGCancelToken?
    /// Prepared statements by name, re-prepared after `reset()` (the server forgets them on reconnect).
    private var prepared: [String: String] = [:]

    static let setupSQL = """
        SET TimeZone TO 'UTC'; SET DateStyle TO 'ISO, MDY'; SET IntervalStyle TO 'postgres'; \
        SET bytea_output TO 'hex'; SET extra_float_digits TO 3
        """
    /// COPY data goes to libpq in slices this big: libpq copies each call into its output buffer, so
    /// one huge call would double the memory.
    static let copyChunkSize = 256 * 1024

    private init(connection: OpaquePointer, logger: Logger) {
        self.connection = connection
        self.logger = logger
        notices = PGNoticeForwarder(logger: logger)
        notices.install(on: connection)
    }

    deinit { close() }

    // MARK: - Connecting

    /// Connects with a URL (`postgres://user:pass@host:5432/db?sslmode=disable`) or a keyword string
    /// (`host=... dbname=...`). Unless the URL says otherwise, gives up after 10 s and reports itself
    /// as `turnstile` in `pg_stat_activity`.
    public static func connect(
        url: String, logger: Logger = Logger(label: "turnstile.postgres")
    ) throws(PGError) -> PGSession {
        // Earlier keywords are defaults: the expanded `dbname` (the URL) overrides them.
        let keywords = ["connect_timeout", "fallback_application_name", "dbname"]
        let values = ["10", "turnstile", url]
        let connection = withCStringArray(keywords) { k in
            withCStringArray(values) { v in PQconnectdbParams(k, v, 1) }
        }
        guard let connection else {
            throw PGError(kind: .connection, message: "libpq could not allocate a connection")
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = Self.connectionMessage(connection)
            PQfinish(connection)
            throw PGError(kind: .connection, message: message)
        }
        let session = PGSession(connection: connection, logger: logger)
        try session.setUp()
        return session
    }

    /// True while libpq considers the connection usable. A connection the server closed while the
    /// session was idle is noticed only on the next call, or by `probe()`.
    public var isConnected: Bool {
        guard let connection else { return false }
        return PQstatus(connection) == CONNECTION_OK
    }

    /// Cheap non-blocking liveness check (one `poll`): reads whatever the server sent while the session
    /// was idle, which is how a terminated backend or a server shutdown becomes visible before the next
    /// statement fails. Returns `isConnected` afterwards.
    public func probe() -> Bool {
        guard let connection, PQstatus(connection) == CONNECTION_OK else { return false }
        // Reading the server's goodbye and then its EOF takes two reads.
        for _ in 0..<2 {
            var descriptor = pollfd(fd: PQsocket(connection), events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, 0) > 0 else { break }
            if PQconsumeInput(connection) == 0 { break }
        }
        return PQstatus(connection) == CONNECTION_OK
    }

    /// Reconnects with the same parameters (`PQreset`), e.g. after a server restart, then restores the
    /// session settings and prepared statements.
    public func reset() throws(PGError) {
        guard let connection else { throw Self.closedError(sql: nil) }
        PQreset(connection)
        cachedCancelToken = nil
        guard PQstatus(connection) == CONNECTION_OK else {
            throw PGError(kind: .connection, message: Self.connectionMessage(connection), connectionBroken: true)
        }
        try setUp()
        for (name, sql) in prepared {
            try prepareOnServer(name, sql)
        }
        logger.info("reconnected to PostgreSQL", metadata: ["pg.backend_pid": "\(PQbackendPID(connection))"])
    }

    /// Closes the connection; later calls throw. Safe to call twice.
    public func close() {
        guard let connection else { return }
        PQfinish(connection)
        self.connection = nil
        cachedCancelToken = nil
    }

    /// Lets another thread cancel the statement this session is running (see `PGCancelToken`).
    public var cancelToken: PGCancelToken? {
        if cachedCancelToken == nil, let connection, PQstatus(connection) == CONNECTION_OK {
            cachedCancelToken = PGCancelToken(connection: connection)
        }
        return cachedCancelToken
    }

    /// True between BEGIN and COMMIT/ROLLBACK (including a transaction aborted by an error).
    public var isInTransaction: Bool {
        guard let connection else { return false }
        let status = PQtransactionStatus(connection)
        return status == PQTRANS_INTRANS || status == PQTRANS_INERROR
    }

    /// The server process serving this session (`pg_backend_pid()`).
    public var backendPID: Int32 { connection.map { PQbackendPID($0) } ?? 0 }

    /// e.g. 150020 for 15.2.
    public var serverVersion: Int { connection.map { Int(PQserverVersion($0)) } ?? 0 }

    // MARK: - Statements

    /// Runs one statement with `$1, $2, ...` parameters, or, without parameters, a whole script of
    /// `;`-separated statements (the result is the last one's).
    ///
    /// `binaryResults` asks for every column in binary format: bytea then arrives as is instead of as hex text
    /// of twice its size. `PGResult` reads integers, text and bytea in that format, and refuses anything else.
    @discardableResult
    public func execute(_ sql: String, _ params: [PGValue] = [], binaryResults: Bool = false) throws(PGError) -> PGResult {
        let connection = try liveConnection(sql)
        if params.isEmpty && !binaryResults {
            return try check(PQexec(connection, sql), sql: sql)
        }
        let parameters = try PGParameters(params, sql: sql)
        let result = parameters.withValuePointers { values in
            PQexecParams(
                connection, sql, parameters.count, parameters.types, values, parameters.lengths,
                parameters.formats, binaryResults ? 1 : 0)
        }
        return try check(result, sql: sql)
    }

    /// Runs one statement whose parameters `$1, $2, ...` are the fields of a binary COPY writer's rows, in
    /// order, each sent in binary format straight from the writer's buffer (no copy). The server infers each
    /// parameter's type from where it is used (e.g. an `INSERT`'s target column), so the bytes must be that
    /// type's binary format, exactly as binary COPY requires. See `insertRows`.
    @discardableResult
    public func execute(_ sql: String, fieldsOf rows: PGBinaryCopyWriter) throws(PGError) -> PGResult {
        try Self.checkShape(of: rows, sql: sql)
        let connection = try liveConnection(sql)
        let result = rows.withUnsafeBytes { bytes -> OpaquePointer? in
            var values: [UnsafePointer<CChar>?] = []
            var lengths: [Int32] = []
            values.reserveCapacity(rows.rowCount * 8)
            lengths.reserveCapacity(rows.rowCount * 8)
            PGBinaryCopyWriter.forEachField(in: bytes) { start, length in
                values.append(start?.assumingMemoryBound(to: CChar.self))
                lengths.append(Int32(length))
            }
            let formats = [Int32](repeating: 1, count: values.count)
            return PQexecParams(connection, sql, Int32(values.count), nil, values, lengths, formats, 0)
        }
        return try check(result, sql: sql)
    }

    /// Prepares a named statement once, to run it many times with `executePrepared` without the server
    /// parsing and planning it again. Parameter types are inferred by the server from the SQL.
    public func prepare(_ name: String, _ sql: String) throws(PGError) {
        _ = try liveConnection(sql)
        try prepareOnServer(name, sql)
        prepared[name] = sql
    }

    @discardableResult
    public func executePrepared(_ name: String, _ params: [PGValue] = []) throws(PGError) -> PGResult {
        let sql = prepared[name] ?? "EXECUTE \(name)"
        let connection = try liveConnection(sql)
        let parameters = try PGParameters(params, sql: sql)
        let result = parameters.withValuePointers { values in
            PQexecPrepared(connection, name, parameters.count, values, parameters.lengths, parameters.formats, 0)
        }
        return try check(result, sql: sql)
    }

    /// Runs `body` between BEGIN and COMMIT. If it throws, rolls back and rethrows its error; if a
    /// statement failed inside and the error was swallowed, COMMIT turns into a rollback and this throws.
    public func transaction<T>(_ body: (PGSession) throws -> T) throws -> T {
        try execute("BEGIN")
        let value: T
        do {
            value = try body(self)
        } catch {
            do {
                try execute("ROLLBACK")
            } catch let rollbackError {
                // The original error is what the caller needs; the connection may simply be gone.
                logger.debug("ROLLBACK failed", metadata: ["error": "\(rollbackError.message)"])
            }
            throw error
        }
        let commit = try execute("COMMIT")
        if commit.commandStatus == "ROLLBACK" {
            throw PGError(
                kind: .query,
                message: "the transaction was rolled back at COMMIT because a statement in it had failed",
                sqlState: "25P02", sql: "COMMIT")
        }
        return value
    }

    // MARK: - COPY

    /// Runs `COPY table (columns) FROM STDIN (FORMAT binary)` (or any `COPY ... FROM STDIN`) and sends
    /// `data` as its input, e.g. a `PGBinaryCopyWriter`'s output. Returns the number of rows copied.
    @discardableResult
    public func copyIn(_ copySQL: String, data: [UInt8]) throws(PGError) -> Int {
        // withUnsafeBytes only rethrows untyped errors; carry the typed one out in a Result.
        let copied = data.withUnsafeBytes { bytes in
            Result { () throws(PGError) -> Int in try copyIn(copySQL, bytes: bytes) }
        }
        return try copied.get()
    }

    /// Sends a writer's rows without copying them (appending the trailer first). On success the writer
    /// is emptied, keeping its buffer for the next batch; on failure it keeps the rows for a retry.
    @discardableResult
    public func copyIn(_ copySQL: String, rows writer: inout PGBinaryCopyWriter) throws(PGError) -> Int {
        try Self.checkShape(of: writer, sql: copySQL)
        writer.appendTrailer()
        let copied = try writer.withUnsafeBytes { (bytes) throws(PGError) -> Int in try copyIn(copySQL, bytes: bytes) }
        writer.removeAllRows()
        return copied
    }

    @discardableResult
    public func copyIn(_ copySQL: String, bytes: UnsafeRawBufferPointer) throws(PGError) -> Int {
        let connection = try liveConnection(copySQL)
        let start = PQexec(connection, copySQL)
        guard let start, PQresultStatus(start) == PGRES_COPY_IN else {
            // Throws the server's error; a statement that ran without entering COPY IN is a misuse.
            _ = try check(start, sql: copySQL, kind: .copy)
            throw PGError(kind: .protocol, message: "not a COPY ... FROM STDIN statement", sql: copySQL)
        }
        PQclear(start)

        var sendFailure: String?
        var offset = 0
        while offset < bytes.count, let base = bytes.baseAddress {
            let length = min(Self.copyChunkSize, bytes.count - offset)
            let chunk = (base + offset).assumingMemoryBound(to: CChar.self)
            guard PQputCopyData(connection, chunk, Int32(length)) == 1 else {
                sendFailure = Self.connectionMessage(connection)
                break
            }
            offset += length
        }
        // An error message makes the server abort the COPY instead of committing half of it.
        let ended =
            sendFailure.map { message in message.withCString { PQputCopyEnd(connection, $0) } }
            ?? PQputCopyEnd(connection, nil)
        if ended != 1 && sendFailure == nil { sendFailure = Self.connectionMessage(connection) }

        let result = try check(nextResult(connection), sql: copySQL, kind: .copy)
        if let sendFailure {
            throw PGError(kind: .copy, message: sendFailure, sql: copySQL, connectionBroken: !isConnected)
        }
        return result.affectedRows
    }

    // MARK: - Helpers

    /// Quotes an identifier (table or column name) for use in SQL text: `my "table"` → `"my ""table"""`.
    public static func quoteIdentifier(_ name: String) -> String {
        "\"" + name.replacing("\"", with: "\"\"") + "\""
    }

    private func setUp() throws(PGError) {
        try execute(Self.setupSQL)
    }

    private func prepareOnServer(_ name: String, _ sql: String) throws(PGError) {
        guard let connection else { throw Self.closedError(sql: sql) }
        _ = try check(PQprepare(connection, name, sql, 0, nil), sql: sql)
    }

    /// Waits up to `timeoutMs` for a notification on a channel this session `LISTEN`s to; returns the
    /// channels notified (empty on timeout). Notifications that arrived meanwhile are returned at once.
    public func waitForNotifications(timeoutMs: Int32) throws(PGError) -> [String] {
        try waitForNotificationMessages(timeoutMs: timeoutMs).map(\.channel)
    }

    /// As `waitForNotifications`, with each notification's payload.
    public func waitForNotificationMessages(timeoutMs: Int32) throws(PGError) -> [PGNotification] {
        let connection = try liveConnection("LISTEN")
        var notifications = Self.takeNotifications(connection)
        guard notifications.isEmpty else { return notifications }
        var fds = pollfd(fd: PQsocket(connection), events: Int16(POLLIN), revents: 0)
        guard fds.fd >= 0 else { throw PGError(kind: .connection, message: "no socket", connectionBroken: true) }
        let ready = poll(&fds, 1, timeoutMs)
        guard ready > 0 else { return [] }
        guard PQconsumeInput(connection) == 1 else {
            throw PGError(kind: .connection, message: Self.connectionMessage(connection), connectionBroken: true)
        }
        notifications = Self.takeNotifications(connection)
        return notifications
    }

    private static func takeNotifications(_ connection: OpaquePointer) -> [PGNotification] {
        var notifications: [PGNotification] = []
        while let n = PQnotifies(connection) {
            notifications.append(PGNotification(channel: String(cString: n.pointee.relname), payload: String(cString: n.pointee.extra)))
            PQfreemem(n)
        }
        return notifications
    }

    private func liveConnection(_ sql: String) throws(PGError) -> OpaquePointer {
        guard let connection else { throw Self.closedError(sql: sql) }
        return connection
    }

    /// The first result of the current command, then drains the rest so the connection is ready for
    /// the next one.
    private func nextResult(_ connection: OpaquePointer) -> OpaquePointer? {
        let first = PQgetResult(connection)
        while let extra = PQgetResult(connection) { PQclear(extra) }
        return first
    }

    /// Turns a libpq result into a `PGResult` or a thrown `PGError`, freeing it on error.
    private func check(_ result: OpaquePointer?, sql: String, kind: PGError.Kind = .query) throws(PGError) -> PGResult {
        guard let result else { throw error(from: nil, sql: sql, kind: kind) }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            return PGResult(taking: result, sql: sql)
        case PGRES_COPY_IN, PGRES_COPY_OUT, PGRES_COPY_BOTH:
            PQclear(result)
            abandonCopy()
            throw PGError(
                kind: .protocol, message: "COPY ... FROM STDIN needs copyIn(_:data:); COPY TO STDOUT is not supported",
                sql: sql)
        default:
            let failure = error(from: result, sql: sql, kind: kind)
            PQclear(result)
            throw failure
        }
    }

    /// Gets libpq out of a COPY state that `execute` entered by accident, so the session stays usable.
    private func abandonCopy() {
        guard let connection else { return }
        _ = PQputCopyEnd(connection, "COPY is not supported through execute()")
        var buffer: UnsafeMutablePointer<CChar>?
        while PQgetCopyData(connection, &buffer, 0) > 0 {
            PQfreemem(buffer)
            buffer = nil
        }
        while let extra = PQgetResult(connection) { PQclear(extra) }
    }

    private func error(from result: OpaquePointer?, sql: String, kind: PGError.Kind) -> PGError {
        let broken = !isConnected
        guard let result else {
            let message = connection.map(Self.connectionMessage) ?? "the session is closed"
            return PGError(kind: kind, message: message, sql: sql, connectionBroken: broken)
        }
        func field(_ code: UInt8) -> String? {
            PQresultErrorField(result, Int32(code)).map { String(cString: $0) }
        }
        var message = field(UInt8(ascii: "M")) ?? Self.trimmed(String(cString: PQresultErrorMessage(result)))
        if message.isEmpty, let connection { message = Self.connectionMessage(connection) }
        if let position = field(UInt8(ascii: "P")) { message += " (at character \(position))" }
        return PGError(
            kind: kind, message: message, sqlState: field(UInt8(ascii: "C")), detail: field(UInt8(ascii: "D")),
            hint: field(UInt8(ascii: "H")), sql: sql, connectionBroken: broken)
    }

    private static func closedError(sql: String?) -> PGError {
        PGError(kind: .connection, message: "the session is closed", sql: sql, connectionBroken: true)
    }

    static func connectionMessage(_ connection: OpaquePointer) -> String {
        trimmed(String(cString: PQerrorMessage(connection)))
    }

    private static func trimmed(_ text: String) -> String {
        var text = Substring(text)
        while let last = text.last, last.isWhitespace { text.removeLast() }
        return String(text)
    }

    /// Calls `body` with a NULL-terminated array of C strings, as libpq's `...Params` functions take.
    private static func withCStringArray<R>(
        _ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R
    ) -> R {
        var storage = strings.map { strdup($0) }
        defer { for pointer in storage { free(pointer) } }
        storage.append(nil)
        return storage.map { UnsafePointer($0) }.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}

/// `PGSession` must stay on one thread at a time; this keeps it from being sent across isolation domains.
@available(*, unavailable)
extension PGSession: Sendable {
}

extension PGSession {
    /// Rows with more or fewer fields than they announced would reach the server as bad data (and a caller
    /// that dead-letters what the server refuses would blame the events): refused here, as the bug it is.
    static func checkShape(of rows: PGBinaryCopyWriter, sql: String) throws(PGError) {
        guard !rows.isWellFormed else { return }
        throw PGError(
            kind: .misuse,
            message: "rows do not match their columns: a row wrote more or fewer fields than it announced"
                + (rows.columns.map { " (\($0) columns)" } ?? "") + "; fix the code that encodes them",
            sql: sql)
    }
}

