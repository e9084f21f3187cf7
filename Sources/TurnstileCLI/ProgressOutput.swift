import ArgumentParser
import Synchronization
import Foundation
import Replay

/// How long work shows its progress: a live bar on a terminal, one JSON line per second for scripts, or
/// nothing.
enum ProgressStyle: String, ExpressibleByArgument, CaseIterable {
    case bar, json, none
}

/// Prints a rebuild's progress reports in the chosen style. The bar redraws one line of standard error in
/// place when it is a terminal; otherwise it prints a plain line every ten seconds (logs stay readable).
final class ProgressOutput: Sendable {
    let style: ProgressStyle
    let terminal: Bool

    init(style: ProgressStyle) {
        self.style = style
        self.terminal = isatty(2) == 1
    }

    private let lastPlain = ManagedClock()

    func show(_ p: RebuildProgress) {
        switch style {
        case .none: return
        case .json:
            FileHandle.standardOutput.write(Data((p.json + "\n").utf8))
        case .bar:
            if terminal {
                let line = p.line()
                FileHandle.standardError.write(Data(("\r\u{1B}[2K" + line + (p.phase == .done ? "\n" : "")).utf8))
            } else if p.phase == .done || lastPlain.due(every: 10) {
                FileHandle.standardError.write(Data((p.line() + "\n").utf8))
            }
        }
    }
}

/// When something was last done, for "at most every N seconds".
final class ManagedClock: Sendable {
    private let last = Mutex<ContinuousClock.Instant?>(nil)

    func due(every seconds: Int) -> Bool {
        last.withLock { last in
            let now = ContinuousClock.now
            if let l = last, now - l < .seconds(seconds) { return false }
            last = now
            return true
        }
    }
}

/// Progress of an archive export or import (records done of records in all), in the chosen style.
final class TransferProgress: Sendable {
    let style: ProgressStyle
    let verb: String
    private let terminal = isatty(2) == 1
    private let started = ContinuousClock.now
    private let every = ManagedClock()

    init(style: ProgressStyle, verb: String) {
        self.style = style
        self.verb = verb
    }

    func show(_ done: Int, _ total: Int?) {
        guard style != .none, every.due(every: style == .json || !terminal ? 1 : 0) else { return }
        let seconds = max(0.001, Double((ContinuousClock.now - started).components.attoseconds) / 1e18
            + Double((ContinuousClock.now - started).components.seconds))
        let rate = Double(done) / seconds
        switch style {
        case .json:
            var fields = "\"done\":\(done),\"records_per_second\":\(Int(rate))"
            if let total { fields += ",\"total\":\(total),\"eta_seconds\":\(rate > 0 ? Int(Double(total - done) / rate) : -1)" }
            FileHandle.standardOutput.write(Data(("{\(fields)}\n").utf8))
        case .bar:
            var line = "\(verb) \(done)"
            if let total, total > 0 {
                line = progressBar(done, total) + "  \(verb) \(done) of \(total)"
                if rate > 0 { line += "  ETA \(Int(Double(total - done) / rate)) s" }
            }
            line += "  \(Int(rate)) records/s"
            FileHandle.standardError.write(Data((terminal ? "\r\u{1B}[2K" + line : line + "\n").utf8))
        case .none:
            return
        }
    }

    func done(_ records: Int) {
        if style == .bar, terminal { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}

/// `[████░░░…] 42%`: the bar of the CLI's progress lines, 24 cells wide.
func progressBar(_ done: Int, _ total: Int) -> String {
    let fraction = total > 0 ? min(1, max(0, Double(done) / Double(total))) : 0
    let filled = Int(fraction * 24)
    return "[\(String(repeating: "█", count: filled))\(String(repeating: "░", count: 24 - filled))] \(Int(fraction * 100))%"
}
