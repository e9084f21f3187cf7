import Postgres

/// "These keys of this projection changed": `NOTIFY turnstile_changes` sent inside a batch's transaction by the
/// workers of projections that announce their changes, so it is delivered exactly when the batch commits (and
/// never for a batch rolled back). The live stream turns it into change events (a session's leaderboard, a
/// facility's occupancy) for the clients that show them.
public struct ProjectionChangeNotice: Sendable, Equatable {
    public static let channel = "turnstile_changes"
    /// PostgreSQL refuses payloads of 8 000 bytes or more: past this, the notice says "everything".
    static let maxPayloadBytes = 7_000

    public var projection: String
    /// The state keys that changed (a session, a facility); nil: too many to name, any may have.
    public var keys: [String]?

    public init(projection: String, keys: [String]?) {
        self.projection = projection
        self.keys = keys
    }

    /// Lines: the projection, then each key (keys hold no control characters: `TextRules`), or `*`.
    public var payload: String {
        guard let keys else { return projection + "\n*" }
        var text = projection
        for key in keys.sorted() {
            guard text.utf8.count + key.utf8.count + 1 <= Self.maxPayloadBytes else { return projection + "\n*" }
            text += "\n" + key
        }
        return text
    }

    public init?(payload: String) {
        let lines = payload.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let first = lines.first, !first.isEmpty, lines.count > 1 else { return nil }
        projection = first
        keys = lines.count == 2 && lines[1] == "*" ? nil : Array(lines.dropFirst())
    }

    /// Sends the notice on `session` (inside its transaction: delivered at commit).
    public func send(on session: PGSession) throws {
        _ = try session.execute("SELECT pg_notify($1, $2)", [.text(Self.channel), .text(payload)])
    }
}
