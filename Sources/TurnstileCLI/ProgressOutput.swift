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
