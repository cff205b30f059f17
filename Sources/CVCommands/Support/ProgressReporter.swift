import Foundation

/// Progress on stderr: a redrawn bar with rate and ETA on a terminal, a plain line every few seconds otherwise.
public final class ProgressReporter: @unchecked Sendable {
    private let console: Console
    private let label: String
    private let clock = ContinuousClock()
    private let start: ContinuousClock.Instant
    private var lastDraw: ContinuousClock.Instant
    private let lock = NSLock()

    /// - Parameters:
    ///   - console: where to write (nothing is written when it is quiet).
    ///   - label: what is counted, e.g. `images`.
    public init(console: Console, label: String) {
        self.console = console
        self.label = label
        self.start = clock.now
        self.lastDraw = clock.now - .seconds(60)
    }

    /// Reports `done` of `total`, with an optional note (e.g. failures so far).
    public func update(done: Int, total: Int, note: String = "", force: Bool = false) {
        lock.lock()
        defer { lock.unlock() }
        let now = clock.now
        let interval: Duration = console.stderrIsTerminal ? .milliseconds(100) : .seconds(2)
        guard force || now - lastDraw >= interval || done == total else { return }
        lastDraw = now
        let line = Self.line(done: done, total: total, elapsed: (now - start).seconds, label: label, note: note,
                             barWidth: console.stderrIsTerminal ? 30 : 0)
        console.progress(console.stderrIsTerminal ? "\r\u{1B}[2K" + line : line + "\n")
    }

    /// Ends the bar's line on a terminal.
    public func finish() {
        if console.stderrIsTerminal { console.progress("\n") }
    }

    /// The text of one progress line: `[=====>    ] 120/300 images  45.2/s  ETA 4s`.
    public static func line(done: Int, total: Int, elapsed: Double, label: String, note: String = "",
                            barWidth: Int) -> String {
        let fraction = total > 0 ? min(1, Double(done) / Double(total)) : 1
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let eta = rate > 0 ? Double(total - done) / rate : 0
        var text = ""
        if barWidth > 0 {
            let filled = Int(fraction * Double(barWidth))
            text += "[" + String(repeating: "=", count: filled)
                + (filled < barWidth ? ">" + String(repeating: " ", count: barWidth - filled - 1) : "") + "] "
        }
        text += "\(done)/\(total) \(label)  " + String(format: "%.1f/s", rate)
        text += done < total ? "  ETA \(formatSeconds(eta))" : "  \(formatSeconds(elapsed))"
        if !note.isEmpty { text += "  " + note }
        return text
    }

    static func formatSeconds(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 60 ? "\(s / 60)m\(String(format: "%02d", s % 60))s" : "\(s)s"
    }
}
