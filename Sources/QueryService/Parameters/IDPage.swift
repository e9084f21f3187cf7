import APIDescription
import Events
import Hummingbird

/// One page of a list ordered by id alone (`/v1/parks`, `/v1/sessions`, `/v1/facilities`): `cursor` (an answer's
/// `next_cursor`) says after which id to go on, `limit` how many to give. Keyset paging, so a list that grows
/// while a client pages through it gives every id once, and a page costs the same however deep it is.
struct IDPage: Sendable, Equatable {
    static let defaultLimit = 100
    static let maxLimit = 1_000

    /// The id the page starts after (nil: from the first).
    var after: String?
    var limit: Int

    init(after: String? = nil, limit: Int = Self.defaultLimit) {
        self.after = after
        self.limit = limit
    }

    init(query: Parameters) throws(QueryError) {
        // An id list's cursor is a `ListCursor` whose time is zero: the same opaque form as every other list's.
        after = try ListCursor.query(query)?.key
        limit = try ListParameters.limit(query, default: Self.defaultLimit, range: 1...Self.maxLimit)
    }

    static var parameters: [APIParameter] { [.cursor, .limit(default: defaultLimit, range: 1...maxLimit)] }

    /// The answer's schema: `{key: [row], truncated, next_cursor}`.
    static func schema(key: String, row: APISchema) -> APISchema {
        .object([(key, .array(row)), ("truncated", .boolean), ("next_cursor", .nullable(.string))])
    }

    /// `{key: [rows], "truncated": more follow, "next_cursor": after the last}` from up to `limit + 1` rows (the store
    /// is asked for one more than the page, which says whether more follow).
    func answer<Row>(
        key: String, _ fetched: [Row], id: (Row) -> String, bytesPerRow: Int, write: (Row, inout JSONWriter) -> Void
    ) -> Response {
        let truncated = fetched.count > limit
        let rows = fetched.prefix(limit)
        var json = JSONWriter(capacity: 128 + rows.count * bytesPerRow)
        json.beginObject()
        json.key(key); json.beginArray()
        for row in rows { write(row, &json) }
        json.endArray()
        json.key("truncated"); json.bool(truncated)
        json.key("next_cursor"); json.optional(rows.last.map { ListCursor(time: Timestamp(microseconds: 0), key: id($0)).text })
        json.endObject()
        return .json(json)
    }
}
