import ArgumentParser
import CustomVisionHTTP
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// `cvctl`: Azure Custom Vision (and cvserver) from the command line.
public struct CVCtl: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "cvctl",
        abstract: "Azure Custom Vision from the command line: upload, train, evaluate, publish, predict, export.",
        discussion: """
            Connection: --training-endpoint/--training-key (else VISION_TRAINING_ENDPOINT/VISION_TRAINING_KEY, \
            else the config profile; see `cvctl config`; a --profile named on the command line comes ahead of \
            the environment), likewise for prediction. `publish` also needs \
            --prediction-resource-id (VISION_PREDICTION_RESOURCE_ID); a cvserver takes any string.

            Exit codes: 0 ok; 1 unexpected error; 2 the service refused a request (4xx); 3 transport error or \
            server error (5xx); 4 training failed or timed out, an export failed, or a quality gate (--min-map …) \
            failed; 5 some items of a batch failed (upload, prediction, download, prepare); the rest went on; 64 \
            usage error (including a missing endpoint or key); 65 bad dataset or input file.

            Output: data on stdout (a table, or one JSON document with --output json); progress and errors on \
            stderr. Keys are never printed.

            Example workflow:
              cvctl project create steel --type detection
              cvctl upload Fixtures/neu-det-mini/train --project ID
              cvctl train --project ID --wait
              cvctl performance --project ID --threshold 0.25
              cvctl publish --project ID --name steel-v1
              cvctl predict --project ID --name steel-v1 image.jpg --draw out/
            """,
        version: "0.1.0",
        groupedSubcommands: [
            CommandGroup(name: "Training", subcommands: CVCtl.trainingCommands),
            CommandGroup(name: "Prediction", subcommands: CVCtl.predictionCommands),
            CommandGroup(name: "Local", subcommands: CVCtl.localCommands),
        ])

    static let trainingCommands: [any ParsableCommand.Type] = [
        ProjectCommand.self, DomainCommand.self, TagCommand.self, ImageCommand.self, UploadCommand.self,
        TrainCommand.self, IterationCommand.self, PerformanceCommand.self, PublishCommand.self, UnpublishCommand.self,
        ExportCommand.self, SuggestCommand.self,
    ]
    static let predictionCommands: [any ParsableCommand.Type] = [PredictCommand.self, QuickTestCommand.self]
    static let localCommands: [any ParsableCommand.Type] = [
        DatasetCommand.self, EvaluateCommand.self, ConfigCommand.self,
    ]

    public init() {}

    /// Parses the arguments, runs the command, and exits with the documented code.
    public static func main() async {
        await main(CommandLine.arguments.dropFirst().map { $0 })
    }

    /// Runs `cvctl` with `arguments` (without the program name) and exits.
    public static func main(_ arguments: [String]) async {
        #if canImport(Glibc)
        // Request bodies are 1–12 MB and short-lived. glibc's dynamic mmap threshold would move them into the heap
        // arenas, which keep freed memory: a fixed threshold maps them and gives them back (10,000-image upload:
        // peak RSS 75 → 61 MB). And each thread that allocates may get an arena of its own, which keeps its freed
        // memory too: the dataset reader, the preparation workers and curl's thread share two (10,000-image
        // upload while its dataset is read: 63 → 60 MB).
        // mallopt(M_MMAP_THRESHOLD = -3 / M_ARENA_MAX = -8, …): <malloc.h> is not in Glibc's module map.
        if let symbol = dlsym(nil, "mallopt") {
            typealias MallOpt = @convention(c) (Int32, Int32) -> Int32
            let mallopt = unsafeBitCast(symbol, to: MallOpt.self)
            _ = mallopt(-3, 256 * 1024)
            _ = mallopt(-8, 2)
        }
        #endif
        // A command that makes requests loads libcurl beside the parsing and its own start (see
        // `CurlTransport.preload()`); the others never load it.
        if makesRequests(arguments) { CurlTransport.preload() }
        defer { CurlTransport.finishPreload() }
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            CurlTransport.finishPreload()
            if let code = ExitStatus.code(for: error) {
                let message = ExitStatus.message(for: error)
                FileHandle.standardError.write(Data("error: \(message)\n".utf8))
                Foundation.exit(code)
            }
            exit(withError: error)
        }
    }

    /// Whether `arguments` (without the program name) run a command that makes requests: every training and
    /// prediction command, `evaluate` and `dataset pull`; not `config`, the other `dataset` commands, a bare option
    /// (`--version`) or a request for help.
    static func makesRequests(_ arguments: [String]) -> Bool {
        guard let command = arguments.first, !command.hasPrefix("-"),
            !arguments.contains(where: { $0 == "--help" || $0 == "-h" }) else { return false }
        switch command {
        case "config", "help": return false
        case "dataset": return arguments.dropFirst().first == "pull"
        default: return true
        }
    }
}
