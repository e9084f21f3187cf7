import Logging
import Postgres
import Processor

/// A throwaway database beside the one a URL names, with the projections' tables migrated: for benchmarks
/// and tests that must never touch real projections. Needs CREATEDB.
public struct ScratchDatabase: Sendable {
    public let name: String
    public let url: String
    let baseURL: String

    /// Creates database `name` on the server of `baseURL` and applies the migrations of `migrationsDirectory`.
    public init(baseURL: String, name: String, migrationsDirectory: String, logger: Logger) throws {
        guard let slash = baseURL.range(of: "/", options: .backwards) else {
            throw MigrationError(file: baseURL, reason: "the database URL names no database")
        }
        var url = String(baseURL[..<slash.upperBound]) + name
        if let query = baseURL[slash.upperBound...].firstIndex(of: "?") { url += String(baseURL[query...]) }
        let admin = try PGSession.connect(url: baseURL, logger: logger)
        defer { admin.close() }
        _ = try admin.execute("CREATE DATABASE \(PGSession.quoteIdentifier(name))")
        let session = try PGSession.connect(url: url, logger: logger)
        defer { session.close() }
        _ = try Migrator(directory: migrationsDirectory, logger: logger).migrate(session)
        self.name = name
        self.url = url
        self.baseURL = baseURL
    }

    /// Drops the database, disconnecting whoever still uses it. Errors are ignored: it is scratch.
    public func drop() {
        guard let admin = try? PGSession.connect(url: baseURL) else { return }
        _ = try? admin.execute("DROP DATABASE IF EXISTS \(PGSession.quoteIdentifier(name)) WITH (FORCE)")
        admin.close()
    }
}
