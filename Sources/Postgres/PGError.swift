/// An error from PostgreSQL, libpq or this module, with enough context to act on it.
///
/// `description` names the likely cause and the fix; the individual fields are there for code that
/// decides what to do (retry, reconnect, report a conflict).
public struct PGError: Error, Sendable, CustomStringConvertible {
    /// Where the failure happened.
    public enum Kind: Sendable, Hashable {
        /// Connecting failed, or the connection was lost.
        case connection
        /// The server rejected a statement.
        case query
        /// A `COPY ... FROM STDIN` failed.
        case copy
        /// The server or libpq answered something this module did not expect.
        case `protocol`
        /// A value could not be decoded as the requested type.
        case decoding
        /// The caller's own mistake, caught before anything was sent (e.g. rows that do not match their
        /// columns): a bug to fix, never the data's fault.
        case misuse
    }

    /// The longest SQL text kept in an error: enough to recognise the statement, small enough for logs.
    static let maxSQLLength = 300

    public var kind: Kind
    /// The five-character SQLSTATE code, when the server sent one (libpq's own errors have none).
    public var sqlState: String?
    /// The primary message, without the `ERROR:` prefix.
    public var message: String
    public var detail: String?
    public var hint: String?
    /// The statement that failed, truncated to a few hundred characters.
    public var sql: String?
    /// True when libpq reported the connection as broken at the time of the error.
    public var connectionBroken: Bool

    public init(
        kind: Kind, message: String, sqlState: String? = nil, detail: String? = nil, hint: String? = nil,
        sql: String? = nil, connectionBroken: Bool = false
    ) {
        self.kind = kind
        self.message = message
        self.sqlState = sqlState
        self.detail = detail
        self.hint = hint
        self.sql = sql.map(Self.truncate)
        self.connectionBroken = connectionBroken
    }

    /// The connection is gone (refused, closed by the server, admin shutdown, crash recovery): reconnect.
    public var isConnectionLost: Bool {
        if kind == .connection || connectionBroken { return true }
        guard let sqlState else { return false }
        // Class 08 is connection exceptions; 57P01-57P03 are admin/crash shutdown and "cannot connect now".
        return sqlState.hasPrefix("08") || sqlState == "57P01" || sqlState == "57P02" || sqlState == "57P03"
    }

    /// `unique_violation`: the row conflicts with an existing key.
    public var isUniqueViolation: Bool { sqlState == "23505" }

    /// `serialization_failure` or `deadlock_detected`: the whole transaction may simply be retried.
    public var isSerializationFailure: Bool { sqlState == "40001" || sqlState == "40P01" }

    /// Worth retrying as it is: the connection, a conflict with another transaction (class 40), a lock not
    /// granted in time, a cancelled statement, or a server short of resources (class 53). Never the data's fault.
    public var isTransient: Bool {
        if isConnectionLost { return true }
        guard let sqlState else { return false }
        return sqlState.hasPrefix("40") || sqlState.hasPrefix("53") || sqlState == "55P03" || sqlState == "57014"
    }

    /// The values were refused, not the statement or the server: a data exception (class 22: out of range,
    /// invalid text, a NUL byte), an integrity constraint (class 23: CHECK, NOT NULL, unique), or a program
    /// limit (class 54: an index key over the btree's ~2.7 kB). The same rows fail again however often they
    /// are retried, so the runtime isolates them and dead-letters them instead.
    public var isDataError: Bool {
        guard !isTransient, let sqlState else { return false }
        return sqlState.hasPrefix("22") || sqlState.hasPrefix("23") || sqlState.hasPrefix("54")
    }

    public var description: String {
        var text = "PostgreSQL \(kind) error"
        if let sqlState { text += " [\(sqlState)]" }
        text += ": \(message)"
        if let detail { text += "\nDETAIL: \(detail)" }
        if let hint { text += "\nHINT: \(hint)" }
        if let sql { text += "\nSQL: \(sql)" }
        if let advice { text += "\n→ \(advice)" }
        return text
    }

    /// What to do about it, when we can tell.
    public var advice: String? {
        let lower = message.lowercased()
        switch sqlState {
        case "28P01", "28000":
            return "check the user and password in DATABASE_URL (and pg_hba.conf)"
        case "3D000":
            return "the database does not exist: create it or fix its name in DATABASE_URL"
        case "53300":
            return "the server has no free connection slots: lower the pool size or raise max_connections"
        case "57P01", "57P02", "57P03":
            return "the server is shutting down or restarting: the next call reconnects"
        case "42601":
            return "fix the SQL syntax"
        case "42P01":
            return "the table does not exist: have the migrations run?"
        case "42703":
            return "the column does not exist: check the query against the schema (migrations?)"
        case "42883":
            return "no such function/operator for these argument types: add explicit casts (e.g. $1::int4)"
        case "23505":
            return "a row with this key already exists"
        case "23503":
            return "a referenced row is missing (foreign key)"
        case "23502":
            return "a NOT NULL column got NULL"
        case "40001", "40P01":
            return "transient conflict: retry the transaction"
        case "25P02":
            return "an earlier statement failed in this transaction: roll back first"
        case "57014":
            return "the statement was cancelled (statement_timeout or a cancel request)"
        case "22P02", "22007", "22008":
            return "a parameter has the wrong text form for its column type"
        default:
            break
        }
        if kind == .connection || connectionBroken {
            if lower.contains("connection refused") || lower.contains("no such file or directory") {
                return "is the database running? check the host and port in DATABASE_URL"
            }
            if lower.contains("could not translate host name") {
                return "unknown host: check the host in DATABASE_URL"
            }
            if lower.contains("timeout") || lower.contains("timed out") {
                return "the server did not answer: is it reachable from here? check DATABASE_URL"
            }
            if lower.contains("invalid uri") || lower.contains("invalid connection option")
                || lower.contains("missing \"=\"")
            {
                return "DATABASE_URL is malformed: use postgres://user:password@host:port/db"
            }
            if lower.contains("closed the connection") || lower.contains("terminat") {
                return "the server closed the connection (restart or admin shutdown): the next call reconnects"
            }
            return "is the database running? check DATABASE_URL"
        }
        if kind == .decoding {
            return "the column's type does not match the requested Swift type: cast it in SQL or read it as a string"
        }
        return nil
    }

    static func truncate(_ sql: String) -> String {
        guard sql.utf8.count > maxSQLLength else { return sql }
        return String(sql.prefix(maxSQLLength)) + "…"
    }
}
