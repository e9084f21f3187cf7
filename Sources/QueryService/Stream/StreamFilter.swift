import Events

/// What one client of `GET /v1/stream` asked for: which topics it reads, and which of their records.
///
/// `park`, `session` and `facility` each select their domain's topics and, within them, the records about that
/// park, session or facility; a domain none of them names is left out unless none is given at all (then every
/// domain streams, unfiltered). `types` keeps only the named event types (and the topics that carry them).
public struct StreamFilter: Sendable, Equatable {
    /// The subject wanted per scope (absent: all of the scope's records, if the scope is read at all).
    public var subjects: [StreamScope: String]
    /// The event types wanted (nil: all).
    public var types: Set<String>?
    /// The topics read, in catalog order.
    public let topics: [Topic]
    /// The projection changes announced.
    public let changes: [StreamedChange]

    public init(subjects: [StreamScope: String] = [:], types: Set<String>? = nil, available: [StreamedTopic], changes: [StreamedChange] = []) {
        self.subjects = subjects
        self.types = types
        self.changes = changes.filter { change in
            if !subjects.isEmpty, subjects[change.scope] == nil { return false }
            if let types, !types.contains(change.type) { return false }
            return true
        }
        topics = available.filter { streamed in
            if !subjects.isEmpty, subjects[streamed.scope] == nil { return false }
            if let types, !streamed.eventTypes.contains(where: types.contains) { return false }
            return true
        }.map(\.topic).sorted { Topic.allCases.firstIndex(of: $0)! < Topic.allCases.firstIndex(of: $1)! }
    }

    /// The subjects of `keys` (nil: any) of `change` the client wants: nil when none.
    public func wanted(_ change: StreamedChange, keys: [String]?) -> [String?]? {
        guard changes.contains(change) else { return nil }
        let subject = subjects[change.scope]
        guard let keys else { return [subject] }
        let chosen = subject.map { s in keys.filter { $0 == s } } ?? keys
        return chosen.isEmpty ? nil : chosen
    }

    public func matches(_ record: StreamRecord) -> Bool {
        guard topics.contains(record.topic) else { return false }
        if let wanted = subjects[record.scope], wanted != record.subject { return false }
        if let types, !types.contains(record.type) { return false }
        return true
    }
}
