import ArgumentParser
import Events
import Foundation
import Projections
import Registry

struct ProjectionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "projections", abstract: "What the registered projections read, write and serve.",
        subcommands: [List.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List every registered projection: its topics and its tables.",
            discussion: "Needs no broker or database: it prints the definitions this build carries (ProjectionRegistry).")

        @Flag(help: "One JSON object per projection, one per line (for scripts).")
        var json = false

        @Option(help: "Prefix of every topic name, as the deployment's (default: $TURNSTILE_TOPIC_PREFIX or none).")
        var topicPrefix: String = ProcessInfo.processInfo.environment["TURNSTILE_TOPIC_PREFIX"] ?? ""

        func run() async throws {
            let topics = TopicNames(prefix: topicPrefix)
            for p in ProjectionRegistry.all {
                if json {
                    var w = JSONWriter(capacity: 512)
                    w.beginObject()
                    w.key("name"); w.string(p.name)
                    w.key("summary"); w.string(p.summary)
                    w.key("input_topics"); w.beginArray(); for t in p.inputTopics { w.string(topics[t]) }; w.endArray()
                    w.key("derived_topics"); w.beginArray(); for t in p.derivedTopics { w.string(topics[t]) }; w.endArray()
                    w.key("dead_letter_topic"); w.string(topics[p.deadLetterTopic])
                    w.key("tables"); w.beginArray()
                    for table in p.tables {
                        w.beginObject()
                        w.key("name"); w.string(table.name)
                        w.key("columns"); w.int(table.columns.count)
                        w.key("hypertable"); w.bool(table.hypertable != nil)
                        w.key("mirrors_state"); w.bool(table.mirrorsState)
                        w.endObject()
                    }
                    w.endArray()
                    w.endObject()
                    print(w.string)
                } else {
                    print("\(p.name) — \(p.summary)")
                    print("  reads    \(p.inputTopics.map { topics[$0] }.joined(separator: ", "))")
                    if !p.derivedTopics.isEmpty { print("  derives  \(p.derivedTopics.map { topics[$0] }.joined(separator: ", "))") }
                    print("  refuses  \(topics[p.deadLetterTopic])")
                    let tables = p.tables.map { t in
                        t.name + (t.hypertable != nil ? " (hypertable)" : "") + (t.mirrorsState ? " (state)" : "")
                    }
                    print("  tables   \(tables.joined(separator: ", "))")
                }
            }
        }
    }
}
