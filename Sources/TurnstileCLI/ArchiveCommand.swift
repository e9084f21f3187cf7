import ArgumentParser
import Events
import Foundation
import Kafka
import Processor
import Replay

struct ArchiveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "archive",
        abstract: "Take a slice of a topic home, look inside it, and replay it onto another broker.",
        discussion: """
            An archive is one LZ4 frame (`lz4 -d FILE` decompresses it) holding a JSON header (topic, partitions with
            their offset and time ranges, event types and counts, the Turnstile version) and the records: partition,
            offset, timestamp, key, headers, value. Every block and the whole content carry checksums; a cut or
            damaged archive is refused with the byte where it goes wrong.

            Examples:
              turnstile archive export --topic parks.wait-times --from 2024-05-20T00:00:00Z --to 2024-05-21T00:00:00Z -o may20.tsa
              turnstile archive inspect may20.tsa
              turnstile archive import may20.tsa --topic staging.parks.wait-times
            """,
        subcommands: [Export.self, Inspect.self, Import.self])

    static var version: String { "turnstile \(TurnstileVersion.current)" }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write records of a topic between two bounds to an archive (written under a temporary name, renamed when complete).")

        @OptionGroup var global: GlobalOptions
        @Option(help: "The topic, as named on the broker (prefix included).") var topic: String
        @Option(help: "Partitions to export, comma-separated (default: all).") var partitions: String?
        @Option(help: "Start: earliest, a time (2024-05-20T06:00:00Z), or PARTITION:OFFSET[,…].") var from: String = "earliest"
        @Option(help: "End (exclusive): latest, a time, or PARTITION:OFFSET[,…] (partitions left out are not exported).") var to: String = "latest"
        @Option(name: .shortAndLong, help: "The archive file to write.") var output: String
        @Option(help: "Progress display: bar, json, none.") var progress: ProgressStyle = .bar

        func run() async throws {
            let logger = try global.bootstrap(label: "turnstile.archive")
            let kafka = try global.kafkaConfig()
            let wanted = try (partitions ?? "").split(separator: ",").map { text -> Int32 in
                guard let p = Int32(text.trimmingCharacters(in: .whitespaces)), p >= 0 else {
                    throw ValidationError("--partitions: '\(text)' is not a partition number")
                }
                return p
            }
            let fromBound: ReplayBound, toBound: ReplayBound
            do {
                fromBound = try ReplayBound.parse(from, topics: [topic])
                toBound = try ReplayBound.parse(to, topics: [topic])
            } catch { throw ValidationError("\(error)") }
            let bar = TransferProgress(style: progress, verb: "exported")
            let (topic, output) = (self.topic, self.output)
            let summary = try await BlockingThread.run(name: "archive-export") {
                try ArchiveTransfer.export(
                    topic: topic, partitions: wanted, from: fromBound, to: toBound, path: output, kafka: kafka,
                    turnstileVersion: ArchiveCommand.version, logger: logger, progress: bar.show)
            }
            bar.done(summary.records)
            let size = (try? FileManager.default.attributesOfItem(atPath: output)[.size] as? Int) ?? 0
            print("wrote \(output): \(summary.records) records of \(topic) in \(summary.partitions.count) partitions, \(size) bytes")
        }
    }

    struct Inspect: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Summarise an archive and check it whole (every checksum, every record).")

        @Argument(help: "The archive file.") var file: String
        @Flag(help: "The header as JSON.") var json = false

        func run() async throws {
            let file = self.file
            let summary = try await BlockingThread.run(name: "archive-inspect") { try ArchiveReader.read(file) { _ in } }
            if json {
                print(summary.json)
                return
            }
            func time(_ ms: Int64?) -> String { ms.map { Timestamp(milliseconds: $0).description } ?? "-" }
            print("archive    \(file)")
            print("topic      \(summary.topic)")
            print("written    \(Timestamp(microseconds: summary.createdAt)) by \(summary.turnstileVersion)")
            print("records    \(summary.records), from \(time(summary.firstTimeMs)) to \(time(summary.lastTimeMs))")
            print("")
            print("PARTITION  OFFSETS                RECORDS  FROM                      TO")
            for p in summary.partitions {
                let offsets = "\(p.firstOffset)–\(p.lastOffset)"
                print("\(String(p.partition).padding(toLength: 9, withPad: " ", startingAt: 0))  \(offsets.padding(toLength: 21, withPad: " ", startingAt: 0))  \(String(p.records).padding(toLength: 7, withPad: " ", startingAt: 0))  \(time(p.firstTimeMs).padding(toLength: 24, withPad: " ", startingAt: 0))  \(time(p.lastTimeMs))")
            }
            print("")
            print("EVENT TYPE                     RECORDS")
            for (type, n) in summary.eventTypes.sorted(by: { $0.value > $1.value }) {
                print("\(type.padding(toLength: 29, withPad: " ", startingAt: 0))  \(n)")
            }
        }
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Produce an archive's records to a topic: same partitions, keys, headers and timestamps (seed a dev or staging broker).",
            discussion: "The archive is checked whole first: a damaged one publishes nothing. The topic must exist with at least the archive's partitions.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The archive file.") var file: String
        @Option(help: "The topic to produce to (prefix included).") var topic: String
        @Option(help: "Progress display: bar, json, none.") var progress: ProgressStyle = .bar

        func run() async throws {
            let logger = try global.bootstrap(label: "turnstile.archive")
            let kafka = try global.kafkaConfig()
            let bar = TransferProgress(style: progress, verb: "imported")
            let (file, topic) = (self.file, self.topic)
            let summary = try await BlockingThread.run(name: "archive-import") {
                try ArchiveTransfer.import(path: file, topic: topic, kafka: kafka, logger: logger, progress: bar.show)
            }
            bar.done(summary.records)
            print("imported \(summary.records) records of \(summary.topic) into \(topic)")
        }
    }
}
