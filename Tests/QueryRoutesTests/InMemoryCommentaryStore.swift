import Events

@testable import QueryService

/// `CommentaryReading` over lines held in memory, with the store's contract: `after` pages forward from a line, `since` from a time,
/// no `since` gives the newest; one line more than asked when there are more.
struct InMemoryCommentaryStore: CommentaryReading {
    var sessions: [String: [CommentaryEntry]] = [:]

    func lines(session: String, after: ListCursor?, since: Timestamp?, limit: Int) async throws -> [CommentaryEntry] {
        let all = (sessions[session] ?? []).sorted { ($0.time, $0.lineID) < ($1.time, $1.lineID) }
        if let after { return Array(all.filter { ($0.time, $0.lineID) > (after.time, after.key) }.prefix(limit + 1)) }
        if let since { return Array(all.filter { $0.time > since }.prefix(limit + 1)) }
        return Array(all.suffix(limit + 1))
    }

    func sessionKnown(_ session: String) async throws -> Bool { sessions[session] != nil }
}
