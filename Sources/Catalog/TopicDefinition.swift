import Events

/// One topic of the catalog (`topics/NAME.json`).
public struct TopicDefinition: Sendable, Equatable {
    public struct EventTypeVersion: Sendable, Equatable {
        public var type: String
        public var schemaVersion: Int
    }

    public var name: String
    public var description: String
    public var partitions: Int
    public var retentionMs: Int64
    public var cleanupPolicy: String
    public var key: String
    public var eventTypes: [EventTypeVersion]

    /// Topic-level broker settings, always explicit.
    public var brokerConfig: [String: String] {
        ["retention.ms": String(retentionMs), "cleanup.policy": cleanupPolicy]
    }

    public init(json: JSONValue, file: String) throws(CatalogError) {
        do {
            let r = try FieldReader(json)
            name = try r.string("name")
            description = try r.optionalString("description") ?? ""
            partitions = Int(try r.int("partitions"))
            retentionMs = try r.int("retention_ms")
            cleanupPolicy = try r.string("cleanup_policy")
            key = try r.string("key")
            eventTypes = []
            for (i, entry) in (r.value("event_types")?.arrayValue ?? []).enumerated() {
                let e = try FieldReader(entry, path: "event_types[\(i)]")
                eventTypes.append(EventTypeVersion(type: try e.string("type"), schemaVersion: Int(try e.int("schema_version"))))
            }
        } catch {
            throw CatalogError(file: file, reason: error.description)
        }
        guard partitions >= 1 else { throw CatalogError(file: file, reason: "partitions: must be at least 1") }
        guard retentionMs >= -1 else { throw CatalogError(file: file, reason: "retention_ms: must be -1 or more") }
        guard ["delete", "compact", "compact,delete", "delete,compact"].contains(cleanupPolicy) else {
            throw CatalogError(file: file, reason: "cleanup_policy: '\(cleanupPolicy)' is not delete or compact")
        }
        guard name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == "_" }), name.count <= 249 else {
            throw CatalogError(file: file, reason: "name: '\(name)' is not a legal Kafka topic name")
        }
    }
}

/// A catalog file that cannot be used, and why.
public struct CatalogError: Error, Sendable, CustomStringConvertible {
    public var file: String
    public var reason: String
    public var description: String { "topic catalog \(file): \(reason)" }
}
