import ArgumentParser
import CustomVisionCore
import CustomVisionHTTP
import Foundation

/// `cvctl train --project ID [--wait]`.
public struct TrainCommand: CVCommand {
    public static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a new iteration; with --wait, show progress until it completes.",
        discussion: """
            Exits 4 when training fails or --wait times out.

            Examples:
              cvctl train --project 0f6c… --wait
              cvctl train --project 0f6c… --advanced --budget 1 --wait --timeout 7200
              cvctl train --project 0f6c… --force --tags crazing,patches --output json
            """)

    @OptionGroup public var global: GlobalOptions
    @Option(help: "The project id.") var project: UUID
    @Flag(help: "Wait until training completes, showing progress.") var wait = false
    @Flag(help: "Advanced training (uses --budget).") var advanced = false
    @Option(help: "Reserved budget in hours for advanced training.") var budget: Int?
    @Flag(help: "Train even if the dataset has not changed.") var force = false
    @Option(help: "Train only on these tags (names or ids, comma-separated).") var tags: String?
    @Option(help: "Email address notified when training ends.") var notify: String?
    @Option(help: "Seconds --wait waits before giving up.") var timeout = 3600
    @Option(help: "Seconds between status polls.") var pollInterval = 2.0

    public init() {}

    public func validate() throws {
        if budget != nil, !advanced { throw ValidationError("--budget needs --advanced") }
        if timeout <= 0 || pollInterval <= 0 { throw ValidationError("--timeout and --poll-interval must be > 0") }
    }

    public func run(_ context: CommandContext) async throws {
        let client = try context.training()
        var parameters: TrainingParameters?
        if let tags {
            let ids = try await TagLookup.ids(tags, project: project, client: client)
            parameters = TrainingParameters(selectedTags: ids)
        }
        var iteration = try await client.trainProject(
            projectId: project, trainingType: advanced ? .advanced : nil, reservedBudgetInHours: budget,
            forceTrain: force ? true : nil, notificationEmailAddress: notify, trainingParameters: parameters)
        context.console.info("training iteration \(iteration.id.lowercasedText) (\(iteration.name))")
        if wait {
            iteration = try await Self.waitForTraining(iteration, project: project, client: client,
                                                       console: context.console, timeout: timeout,
                                                       pollInterval: pollInterval)
        }
        try context.console.emit(iteration) { IterationCommand.table([$0]) }
        if iteration.status == .failed {
            throw CLIError.failed("training of iteration \(iteration.id.lowercasedText) failed")
        }
    }

    /// Polls the iteration, redrawing its status and elapsed time, until it completes or fails.
    /// - Throws: ``CLIError/failed(_:)`` on timeout.
    static func waitForTraining(_ iteration: Iteration, project: UUID, client: TrainingClient, console: Console,
                                timeout: Int, pollInterval: Double) async throws -> Iteration {
        let clock = ContinuousClock()
        let start = clock.now
        var current = iteration
        let spinner = ["|", "/", "-", "\\"]
        var tick = 0
        while current.status != .completed && current.status != .failed {
            let elapsed = (clock.now - start).seconds
            if elapsed > Double(timeout) {
                throw CLIError.failed("iteration \(iteration.id.lowercasedText) still "
                    + "\(current.status?.rawValue ?? "unknown") after \(timeout) s")
            }
            let line = "\(spinner[tick % 4]) \(current.status?.rawValue ?? "Queued") "
                + ProgressReporter.formatSeconds(elapsed)
            if console.stderrIsTerminal {
                console.progress("\r\u{1B}[2K" + line)
            } else if tick % max(1, Int(10 / pollInterval)) == 0 {
                console.info(line)
            }
            tick += 1
            try await Task.sleep(for: .milliseconds(Int(pollInterval * 1000)))
            current = try await client.getIteration(projectId: project, iterationId: iteration.id)
        }
        if console.stderrIsTerminal { console.progress("\r\u{1B}[2K") }
        console.info("iteration \(current.status?.rawValue ?? "?") after "
            + ProgressReporter.formatSeconds((clock.now - start).seconds))
        return current
    }
}
