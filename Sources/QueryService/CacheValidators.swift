import Events

/// The validators of a cacheable answer (`ConditionalGETMiddleware`), pure: its ETag from the projection's
/// progress, the request and (current state) the minute; its Cache-Control by what the data is; and whether an
/// `If-None-Match` names it.
enum CacheValidators {
    static let currentMaxAge = 2
    static let recentHistoryMaxAge = 10
    static let closedHistoryMaxAge = 3_600

    /// The ETag and Cache-Control of an answer (pure: tested without a server).
    static func validators(projection: String, token: String, uri: String, to: String?, now: Int64) -> (etag: String, cacheControl: String) {
        var hash = FNV1a()
        let maxAge: Int
        if let to, let end = Timestamp(iso8601: to) {
            maxAge = Int64(end.microseconds / 1_000_000) < now - 86_400 ? closedHistoryMaxAge : recentHistoryMaxAge
        } else {
            // Current state: the clock's minute too.
            hash.add(String(now / 60))
            maxAge = currentMaxAge
        }
        for part in [projection, token, uri] { hash.add(part) }
        return ("\"\(projection)-\(String(hash.value, radix: 16))\"", "public, max-age=\(maxAge)")
    }

    /// `If-None-Match`: a list of ETags (weak ones compare by their opaque part, as RFC 9110 says for it), or `*`
    /// (any current answer) when `wildcard`.
    static func matches(_ condition: String, _ tag: String, wildcard: Bool) -> Bool {
        condition.split(separator: ",").contains { candidate in
            let c = candidate.trimmingCharacters(in: " \t")
            return (wildcard && c == "*") || c == tag || c == "W/" + tag
        }
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: String) -> Substring {
        var s = self[...]
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return s
    }
}
