@testable import QueryService

/// The byte order of ids that the stores' `ORDER BY … COLLATE "C"` gives, for the in-memory stores.
enum InMemoryOrder {
    static func precedes(_ a: String, _ b: String) -> Bool { Array(a.utf8).lexicographicallyPrecedes(Array(b.utf8)) }

    /// The entries a store gives for `page`: by id, after its cursor, one more than its limit.
    static func page<Value>(_ entries: [String: Value], _ page: IDPage) -> [(key: String, value: Value)] {
        Array(entries.filter { entry in page.after.map { precedes($0, entry.key) } ?? true }
            .sorted { precedes($0.key, $1.key) }.prefix(page.limit + 1))
    }
}
