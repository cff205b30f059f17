import ArgumentParser

/// How a command prints its results.
public enum OutputFormat: String, CaseIterable, ExpressibleByArgument, Sendable {
    /// Human-readable tables and lines.
    case table
    /// One JSON document on stdout.
    case json
}

/// `--output`, `--quiet`, `--verbose`: shared by every command.
public struct OutputOptions: ParsableArguments, Sendable {
    /// The output format.
    @Option(name: [.customShort("o"), .long], help: "Output format: table | json.")
    public var output: OutputFormat = .table

    /// Suppress progress and informational messages (stderr); data and errors still print.
    @Flag(name: [.customShort("q"), .long], help: "No progress or informational messages; data and errors still print.")
    public var quiet = false

    /// Log each HTTP request to stderr (keys redacted).
    @Flag(name: [.customShort("v"), .long],
          help: "Log each HTTP request and response to stderr (keys redacted; commands that send none ignore it).")
    public var verbose = false

    public init() {}

    public func validate() throws {
        if quiet && verbose { throw ValidationError("--quiet and --verbose cannot be used together.") }
    }
}
