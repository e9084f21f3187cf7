import Foundation
import Postgres
import Testing

@testable import Processor
import TestSupport

/// The relay sleeps on LISTEN: whatever fills the outbox must notify at commit (the outbox's statement
/// trigger), or derived events wait for the relay's idle timeout.
@Suite("OutboxNotifyTests", .enabled(if: TestStack.enabled))
struct OutboxNotifyTests {
    @Test func anOutboxInsertNotifiesTheRelaysChannelAtCommitOnly() throws {
        let ns = try TestNamespace.make()
        defer { ns.drop() }
        let table = "turnstile_outbox"
        let listener = try ns.session()
        try listener.execute("LISTEN \(PGSession.quoteIdentifier(OutboxRecord.notificationChannel(table: table)))")
        let writer = try ns.session()
        let record = OutboxRecord(topic: "t", key: Array("k".utf8), value: Array("{}".utf8), eventID: "e1")

        try writer.execute("BEGIN")
        try OutboxRecord.insert([record], table: table, session: writer)
        #expect(try listener.waitForNotifications(timeoutMs: 300).isEmpty)
        try writer.execute("COMMIT")
        #expect(try listener.waitForNotifications(timeoutMs: 5_000) == [table])

        // A rolled-back insert wakes nobody.
        try writer.execute("BEGIN")
        try OutboxRecord.insert([record], table: table, session: writer)
        try writer.execute("ROLLBACK")
        #expect(try listener.waitForNotifications(timeoutMs: 300).isEmpty)
    }
}
