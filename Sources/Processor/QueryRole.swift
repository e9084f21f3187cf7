import Logging
import Postgres
import Projections

/// The PostgreSQL role the query service connects as: it may read every table the migrations make (the
/// projections', their versions', the runtime's) and write none. The migrator creates it when it is missing
/// (`LOGIN`, no password: set one with `ALTER ROLE turnstile_query PASSWORD '…'` where connections need one) and
/// grants it `SELECT` on each schema it migrates, now and for the tables made there later (default privileges).
///
/// Why a role of its own: the query service faces the network; whatever a request could make it run, the
/// database refuses every write.
public struct QueryRole: Sendable, Equatable {
    public static let defaultName = "turnstile_query"
    public let name: String

    public init(name: String = QueryRole.defaultName) {
        precondition(TablePlacement.isIdentifier(name), "role '\(name)' is not a plain SQL identifier")
        self.name = name
    }

    /// Creates the role if missing and grants it reads on `schemas` of the session's database. A server where the
    /// migrating role may not create roles keeps going without it (a warning says how to make it by hand).
    public func grant(onSchemas schemas: [String], session: PGSession, logger: Logger) throws(PGError) {
        do {
            // Two databases migrated at once may both find the role missing: the second CREATE is a no-op.
            _ = try session.execute(
                """
                DO $$ BEGIN
                  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '\(name)') THEN
                    CREATE ROLE \(name) LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION;
                  END IF;
                EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
                END $$
                """)
        } catch {
            // Typed throws: `error` is a PGError. Only "may not create roles" is survivable.
            guard error.sqlState == "42501" else { throw error }
            logger.warning(
                "cannot create the query service's read-only role; create it by hand (CREATE ROLE \(name) LOGIN) and migrate again",
                metadata: ["role": "\(name)", "error": "\(error.message)"])
            return
        }
        _ = try session.execute("DO $$ BEGIN EXECUTE format('GRANT CONNECT ON DATABASE %I TO \(name)', current_database()); END $$")
        for schema in schemas {
            _ = try session.execute("GRANT USAGE ON SCHEMA \(schema) TO \(name)")
            _ = try session.execute("GRANT SELECT ON ALL TABLES IN SCHEMA \(schema) TO \(name)")
            _ = try session.execute("ALTER DEFAULT PRIVILEGES IN SCHEMA \(schema) GRANT SELECT ON TABLES TO \(name)")
        }
    }

    /// `url` (a PostgreSQL URL) with this role as its user and no password: the query service's URL on a server
    /// that trusts loopback connections, as `ops/stack`'s does.
    public func url(from url: String) -> String {
        guard let scheme = url.range(of: "://") else { return url }
        let rest = url[scheme.upperBound...]
        // The user part ends at the last '@' before the path (a password may hold '@'; a query may too).
        let authority = rest[..<(rest.firstIndex(of: "/") ?? rest.endIndex)]
        var host = rest
        if let at = authority.lastIndex(of: "@") { host = rest[rest.index(after: at)...] }
        return String(url[..<scheme.upperBound]) + name + "@" + host
    }
}
