import Foundation
import Logging
import Postgres

/// Where the database tests connect: `DATABASE_URL`, e.g. from `eval "$(ops/stack up)"`.
enum TestDatabase {
    static let url: String? = ProcessInfo.processInfo.environment["DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
    static var isAvailable: Bool { url != nil }
    /// CI sets this so that a missing database fails the run instead of skipping the tests.
    static var isRequired: Bool { ProcessInfo.processInfo.environment["TURNSTILE_REQUIRE_STACK"] == "1" }

    static let logger = Logger(label: "turnstile.postgres.tests")

    static func session() throws -> PGSession {
        try PGSession.connect(url: url ?? "", logger: logger)
    }

    static func connection() async throws -> PGConnection {
        try await PGConnection.connect(url: url ?? "", logger: logger)
    }
}
