import CLibPQ

/// Asks the server to cancel whatever statement a session is running, from any thread.
///
/// Cancelling opens a separate short connection to the server (libpq's `PQcancel`); the cancelled
/// statement then fails with SQLSTATE 57014 and the session stays usable. A token belongs to one
/// server process: after `PGSession.reset()` it is stale (cancelling then does nothing harmful).
public final class PGCancelToken: @unchecked Sendable {
    // @unchecked Sendable: libpq documents PQcancel as safe to call from any thread with a PGcancel
    // object that nothing else frees; the object is immutable after PQgetCancel and freed only in deinit.
    private let handle: OpaquePointer

    init?(connection: OpaquePointer) {
        guard let handle = PQgetCancel(connection) else { return nil }
        self.handle = handle
    }

    deinit { PQfreeCancel(handle) }

    /// Sends the cancel request and waits for the server to take it (one short round trip, so call it
    /// off the cooperative pool). The server may still finish the statement first; then nothing happens.
    public func cancel() throws(PGError) {
        var buffer = [CChar](repeating: 0, count: 256)
        guard PQcancel(handle, &buffer, Int32(buffer.count)) != 1 else { return }
        let reason = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        throw PGError(kind: .connection, message: "could not send the cancel request: \(reason)")
    }
}
