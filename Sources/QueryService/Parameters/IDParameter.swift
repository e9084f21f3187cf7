import Events
import Hummingbird

/// Ids in paths (`/v1/parks/{park_id}/…`) and query strings (`?attraction_id=`), read one way everywhere.
enum IDParameter {
    /// Longest id accepted: the longest id an event may carry, so anything longer cannot be one.
    static let maxLength = TextRules.maxIdentifierBytes

    /// A path parameter, percent-decoded (the router hands them over as sent): any id ingest accepts, `/`
    /// or spaces or any other character in it, can be asked for as `%2F`, `%20`, ….
    static func path(_ name: String, _ context: some RequestContext) throws(QueryError) -> String {
        guard let raw = context.parameters.get(name) else { return try validID(name, nil) }
        guard let decoded = PercentEncoding.decode(raw) else {
            throw .invalidParameter(name, "'\(name)' is not valid percent-encoded UTF-8")
        }
        return try validID(name, decoded)
    }

    /// An optional id from the query string: absent is nil, present but empty is an error.
    static func query(_ name: String, _ request: Request) throws(QueryError) -> String? {
        guard let value = request.uri.queryParameters.get(name) else { return nil }
        return try validID(name, value)
    }

    /// A car number in the path (`{driver_number}`).
    static func driverNumber(_ context: some RequestContext) throws(QueryError) -> Int {
        let text = try path("driver_number", context)
        guard let driver = Int(text), (1...99).contains(driver) else {
            throw .invalidParameter("driver_number", "'driver_number' must be a car number from 1 to 99")
        }
        return driver
    }

    private static func validID(_ name: String, _ value: String?) throws(QueryError) -> String {
        guard let value, !value.isEmpty else {
            throw .invalidParameter(name, "'\(name)' must not be empty")
        }
        guard value.utf8.count <= maxLength else {
            throw .invalidParameter(name, "'\(name)' is longer than \(maxLength) bytes")
        }
        do {
            try TextRules.check(value, field: name, maxBytes: maxLength)
        } catch {
            throw .invalidParameter(name, "'\(name)' \(error.reason)")
        }
        return value
    }
}
