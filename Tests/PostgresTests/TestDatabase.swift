import Foundation
import Logging
import Postgres
import TestSupport

/// Where the database tests connect: `DATABASE_URL`, e.g. from `eval "$(ops/stack up)"`.
enum TestDatabase {
    static var url: String? { TestEnvironment.databaseURL }
    /// For `.enabled(if:)`: run when a database is configured, or required (`ops/test`: then a missing one
    /// fails the tests instead of skipping them).
    static var isAvailable: Bool { TestEnvironment.databaseTestsEnabled }

    static let logger = Logger(label: "turnstile.postgres.tests")

    static func session() throws -> PGSession {
        try PGSession.connect(url: try TestEnvironment.requireDatabaseURL(), logger: logger)
    }

    static func connection() async throws -> PGConnection {
        try await PGConnection.connect(url: try TestEnvironment.requireDatabaseURL(), logger: logger)
    }
}
