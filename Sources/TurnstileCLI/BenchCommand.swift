import ArgumentParser

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bench", abstract: "Measure throughput and latency.")
    @OptionGroup var global: GlobalOptions
    func run() async throws { throw ValidationError("bench: not built yet") }
}
