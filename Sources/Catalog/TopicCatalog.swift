import Events
import Foundation

/// The topic catalog: every `*.json` file of a directory (default `topics/`).
public struct TopicCatalog: Sendable {
    public var topics: [TopicDefinition]

    public init(topics: [TopicDefinition]) { self.topics = topics }

    public static func load(directory: String) throws(CatalogError) -> TopicCatalog {
        let files: [String]
        do {
            files = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".json") }.sorted()
        } catch {
            throw CatalogError(file: directory, reason: "cannot list the directory (\(error)); pass --topics-dir")
        }
        var topics: [TopicDefinition] = []
        for file in files {
            let path = directory + "/" + file
            guard let data = FileManager.default.contents(atPath: path) else {
                throw CatalogError(file: path, reason: "cannot read the file")
            }
            let json: JSONValue
            do { json = try JSONParser.parse([UInt8](data)) } catch { throw CatalogError(file: path, reason: error.description) }
            topics.append(try TopicDefinition(json: json, file: path))
        }
        guard Set(topics.map(\.name)).count == topics.count else {
            throw CatalogError(file: directory, reason: "a topic name appears in two files")
        }
        return TopicCatalog(topics: topics)
    }

    public subscript(name: String) -> TopicDefinition? { topics.first { $0.name == name } }

    /// The same catalog with every topic name prefixed (a deployment's namespace).
    public func prefixed(_ prefix: String) -> TopicCatalog {
        TopicCatalog(topics: topics.map { var t = $0; t.name = prefix + t.name; return t })
    }
}
