import APIDescription

/// The query parameters every history and list endpoint reads the same way, described once with the bounds
/// their readers (`TimeRange`, `BucketInterval`, `ListParameters`) enforce.
extension APIParameter {
    /// `from` and `to`: the half-open range of a history query.
    static var timeRange: [APIParameter] {
        [
            APIParameter("from", in: .query, required: true, schema: .dateTime, "Start of the range (RFC 3339, inclusive)."),
            APIParameter("to", in: .query, required: true, schema: .dateTime, "End of the range (RFC 3339, exclusive), after from and at most \(TimeRange.maxDays) days later."),
        ]
    }

    /// `interval`: a bucket width such as 30s, 15m, 1h or 1d.
    static var interval: APIParameter {
        APIParameter(
            "interval", in: .query, required: false, schema: .string(pattern: "^[0-9]{1,9}[smhd]$"),
            "Bucket width: a whole number and a unit s, m, h or d (default 15m; at most \(TimeRange.maxDays)d and \(BucketInterval.maxBuckets) buckets).")
    }

    /// `since`: only what is newer (exclusive).
    static var since: APIParameter {
        APIParameter("since", in: .query, required: false, schema: .dateTime, "Only entries after this time (RFC 3339, exclusive).")
    }

    /// `limit`: how many entries at most.
    static func limit(default value: Int, range: ClosedRange<Int>) -> APIParameter {
        APIParameter(
            "limit", in: .query, required: false, schema: .integer(minimum: Int64(range.lowerBound), maximum: Int64(range.upperBound)),
            "Most entries to answer (default \(value)).")
    }

    /// `cursor`: an answer's `next_cursor`, to go on after its last entry.
    static var cursor: APIParameter {
        APIParameter(
            "cursor", in: .query, required: false, schema: .string(pattern: "^([0-9a-f]{2})+$"),
            "An earlier answer's next_cursor: the entries after its last one (exactly once each, even where many share a time).")
    }
}
